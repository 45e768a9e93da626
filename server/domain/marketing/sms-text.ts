/**
 * How many SMS a message costs. Chinese text goes as UCS-2: one SMS holds 70 characters,
 * the 【签名】 and the 退订 line included; a longer message is sent in parts of 67 each
 * (three characters of every part carry the joining header).
 */

export const SMS_SINGLE = 70;
export const SMS_PART = 67;
export const DEFAULT_OPT_OUT = '回T退订';

/** The text as it reaches the phone: the 签名 in front, the 退订 line at the end (once). */
export function smsText(
  body: string,
  signName: string | null | undefined,
  optOut: string | null | undefined,
) {
  const signed = signName ? `【${signName}】${body}` : body;
  return optOut && !body.includes(optOut) ? `${signed}${optOut}` : signed;
}

/** SMS per message: 1 up to 70 characters, else one per 67 (UTF-16 units, as UCS-2 counts them). */
export function smsParts(text: string): number {
  if (text.length === 0) return 0;
  return text.length <= SMS_SINGLE ? 1 : Math.ceil(text.length / SMS_PART);
}
