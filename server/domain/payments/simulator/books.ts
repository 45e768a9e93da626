import type { PaymentProvider } from '../../../protocol/payments.js';
import type { SimulatorBills } from './bills.js';
import type { SimulatorKeys } from './keys.js';
import type { SimTrade, SimulatorRecords } from './records.js';
import type { SimulatorTerminals } from './upay-terminals.js';

/** A refund asked of the simulator: the same out_refund_no again is the same refund. */
export type SimRefundOutcome =
  | { ok: true; repeated: boolean; refundId: string; state: 'PROCESSING' | 'SUCCESS'; trade: SimTrade }
  | { ok: false; why: 'not_paid' | 'too_much' };

/**
 * What the simulator's other contracts (WeChat Pay v2, 收钱吧) use of it: its books and the
 * behaviours every wire format shares. `PaymentSimulator` is one.
 */
export interface SimulatorBooks {
  readonly keys: SimulatorKeys;
  readonly records: SimulatorRecords;
  /** The day's statements (对账单) made from the records. */
  readonly bills: SimulatorBills;
  /** 收钱吧's terminals: activation codes, each terminal's current and previous key. */
  readonly terminals: SimulatorTerminals;
  forgeAnswers: boolean;
  look(trade: SimTrade, asQuery: boolean): SimTrade;
  newTrade(provider: PaymentProvider, outTradeNo: string, amount: number, authCode: string): SimTrade;
  /** A QR order (Native / precreate) waiting for a customer to scan; the same number again is the same order. */
  qrTrade(provider: PaymentProvider, outTradeNo: string, amount: number): SimTrade;
  reverse(provider: PaymentProvider, outTradeNo: string): { action: 'close' | 'refund' };
  refund(
    provider: PaymentProvider,
    outTradeNo: string,
    outRefundNo: string,
    amount: number,
  ): SimRefundOutcome;
}
