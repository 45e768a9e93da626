import { zhe } from '../../../server/protocol/zhe.js';
import { t } from '../i18n/index.js';

/**
 * A discount typed as every Chinese till takes it, in 折 (tenths of the price the customer
 * pays): 8 is 8折 (20% off), 8.5 is 85折, 95 is 95折 (5% off). One digit (with one decimal)
 * counts tenths, two digits count hundredths; anything else is refused with its reason, so
 * that no screen turns 8 into 92折 again. The answer is basis points off, as the server takes it.
 */
export type ZheTyped =
  | { ok: true; offBp: number }
  | { ok: false; reason: 'empty' | 'not_a_number' | 'out_of_range' | 'too_precise' };

export function parseZhe(typed: string): ZheTyped {
  const text = typed.trim().replace(/折$/, '').trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (!/^\d+(\.\d+)?$/.test(text)) return { ok: false, reason: 'not_a_number' };
  const value = Number(text);
  const decimals = text.split('.')[1]?.length ?? 0;
  if (value >= 1 && value < 10) {
    if (decimals > 2) return { ok: false, reason: 'too_precise' };
    return { ok: true, offBp: 10_000 - Math.round(value * 1000) };
  }
  if (value >= 10 && value < 100) {
    if (decimals > 1) return { ok: false, reason: 'too_precise' };
    return { ok: true, offBp: 10_000 - Math.round(value * 100) };
  }
  return { ok: false, reason: 'out_of_range' };
}

/** Basis points off as the shop says it: 2000 → "8折", 1500 → "8.5折" (the receipts' words). */
export function zheText(offBp: number): string {
  return zhe(offBp);
}

/** What to put back in a 折 field for basis points off: 2000 → "8", 500 → "9.5". */
export function zheInput(offBp: number): string {
  return zheText(offBp).replace(/折$/, '');
}

/** What a 折 field means, said beside it as it is typed: "8折，减 20%", or what is wrong. */
export function zheBeside(typed: string): string {
  if (!typed.trim()) return '';
  const zhe = parseZhe(typed);
  if (!zhe.ok) return t(`words.zhe.${zhe.reason}`);
  return t('words.zhe.means', { zhe: zheText(zhe.offBp), percent: zhe.offBp / 100 });
}
