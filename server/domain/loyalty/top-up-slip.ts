import type { SlipDocument } from '../../protocol/printing.js';
import type { PaymentMethod } from '../../protocol/receipt.js';
import { slipText } from '../devices/slips.js';
import { maskPhone } from '../members/phone.js';

/** The 充值单: what was paid, the bonus the rules gave, the balance now; the phone masked. */
export function topUpSlip(
  head: Pick<SlipDocument, 'store' | 'at' | 'timeZone' | 'cashier' | 'terminalName'>,
  topUp: { id: string; amount: number; bonus: number; balance: number; method: string },
  member: { name: string | null; phone: string | null },
): SlipDocument {
  const name = member.name ? slipText(member.name, 40) : '';
  return {
    kind: 'top_up',
    ...head,
    ref: topUp.id,
    member: { ...(name && { name }), phoneMasked: member.phone ? maskPhone(member.phone) : '' },
    figures: [
      { item: 'amount', value: topUp.amount },
      { item: 'bonus', value: topUp.bonus },
      { item: 'balance', value: topUp.balance },
    ],
    payments: [],
    method: (['cash', 'card', 'wechat', 'alipay'].includes(topUp.method)
      ? topUp.method
      : 'other') as PaymentMethod,
  };
}
