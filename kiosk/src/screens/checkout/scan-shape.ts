/** A mainland mobile number: 11 digits starting 13–19. */
export const MOBILE = /^1[3-9]\d{9}$/;
/** A member code on a card is 16 digits. */
export const MEMBER_CODE = /^\d{16}$/;

/** What a code that reached the scan field is taken for. */
export type ScanKind = 'member_card' | 'phone' | 'barcode';

/**
 * Tells a tag from a member: a card's code, and a mobile number typed quickly into the scan
 * field (a cashier keying a customer's phone fast looks like a scanner's burst). A scan that
 * came through the bridge is a scanner's for sure, so a supplier tag that happens to look like
 * a phone still rings up; from the keyboard wedge, the shape decides.
 */
export function scanKind(code: string, fromBridge: boolean): ScanKind {
  if (MEMBER_CODE.test(code)) return 'member_card';
  if (!fromBridge && MOBILE.test(code)) return 'phone';
  return 'barcode';
}
