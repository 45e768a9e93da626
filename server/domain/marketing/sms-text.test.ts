import { describe, expect, it } from 'vitest';
import { smsParts, smsText } from './sms-text.js';

describe('SMS count', () => {
  it('counts the 签名 and 回T退订 in: 70 characters are one SMS, 71 are two parts of 67', () => {
    const sign = '衣架服装'; // 【衣架服装】 is 6 characters, 回T退订 4
    const body60 = '王'.repeat(60);
    expect(smsText(body60, sign, '回T退订')).toHaveLength(70);
    expect(smsParts(smsText(body60, sign, '回T退订'))).toBe(1);
    expect(smsParts(smsText(`${body60}店`, sign, '回T退订'))).toBe(2);
    expect(smsParts('店'.repeat(134))).toBe(2);
    expect(smsParts('店'.repeat(135))).toBe(3);
  });

  it('adds the 退订 line once, not when the message has it already', () => {
    expect(smsText('新品到店，回T退订', '衣架', '回T退订')).toBe('【衣架】新品到店，回T退订');
    expect(smsText('新品到店', null, null)).toBe('新品到店');
  });
});
