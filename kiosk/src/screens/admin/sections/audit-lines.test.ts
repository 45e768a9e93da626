import { describe, expect, it } from 'vitest';
import { auditDetailLines, auditKindName, auditSubject } from './audit-lines.js';

describe('the audit log in the shop’s words', () => {
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
});
