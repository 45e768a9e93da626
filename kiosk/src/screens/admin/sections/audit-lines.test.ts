import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_KINDS } from '../../../../../server/protocol/audit.js';
import { hasMessage, setLanguage } from '../../../i18n/index.js';
import { auditDetailLines, auditKindName, auditSubject } from './audit-lines.js';

describe('the audit log in the shop’s words', () => {
  afterAll(() => setLanguage('zh-CN'));

  it('names every kind the server writes, in both languages', async () => {
    for (const language of ['zh-CN', 'en'] as const) {
      await setLanguage(language);
      const unnamed = AUDIT_KINDS.filter((kind) => !hasMessage(`words.auditKind.${kind}`));
      expect(unnamed, language).toEqual([]);
    }
    await setLanguage('zh-CN');
  });

  it('names the kind and the subject instead of their codes', () => {
    expect(auditKindName('price.changed')).toBe('调价');
    expect(auditKindName('sale.receipt_settings_changed')).toBe('修改小票内容');
    expect(auditSubject({ type: 'sale', id: '0192f1c2-0000-7000-8000-00000000abcd' })).toBe(
      '销售单 …0000abcd',
    );
  });

  it('reads the detail as lines: fen in yuan, codes by name, 折 for a limit, no JSON', () => {
    const lines = auditDetailLines({
      expected: 50000,
      counted: 49800,
      variance: -200,
      method: 'cash',
      cashierDiscountLimitBp: 1000,
      training: false,
      username: 'owner',
      internalId: 'x',
    });
    expect(lines).toEqual([
      '应有现金：¥500.00',
      '实点现金：¥498.00',
      '长短款：-¥2.00',
      '方式：现金',
      '收银员最低折扣：9折',
      '练习：否',
      '用户名：owner',
    ]);
    expect(lines.join('')).not.toMatch(/[{}"]/);
  });

  it('reads a setting that changed as before → after, and names the kinds the settings page writes', () => {
    expect(
      auditDetailLines({
        returnDays: 15,
        rounding: 'jiao',
        timeZone: 'Asia/Urumqi',
        was: { returnDays: 30, timeZone: 'Asia/Shanghai' },
      }),
    ).toEqual(['退货天数：30 → 15', '抹零：抹到角', '时区：Asia/Shanghai → Asia/Urumqi']);
    expect(auditDetailLines({ header: ['微信 hanger'], was: { header: [] } })).toEqual([
      '小票抬头：— → 微信 hanger',
    ]);
    expect(auditKindName('store.identity_changed')).toBe('修改店名或时区');
    expect(auditKindName('device.setup_changed')).toBe('修改硬件设置');
    expect(auditKindName('price.store_set')).toBe('设置门店价');
  });
});
