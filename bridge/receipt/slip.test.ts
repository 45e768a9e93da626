import { describe, expect, it } from 'vitest';
import { printJobSchema } from '../../server/protocol/print-schemas.js';
import type { PrintJob, SlipDocument } from '../../server/protocol/printing.js';
import { type PrinterProfile, renderJob } from './render.js';
import { textWidth } from './text-width.js';

const profile = (over: Partial<PrinterProfile> = {}): PrinterProfile => ({
  language: 'escpos',
  paperWidth: 80,
  charset: 'gb18030',
  qr: 'native',
  cut: true,
  label: { widthMm: 40, heightMm: 30, gapMm: 2 },
  ...over,
});

const slip = (variance: number): SlipDocument => ({
  kind: 'shift_close',
  store: { code: 'S001', name: '衣架服饰' },
  ref: '0190a1b2-0000-7000-8000-000000000001',
  at: '2026-12-05T10:00:00.000Z',
  since: '2026-12-05T01:00:00.000Z',
  timeZone: 'Asia/Shanghai',
  cashier: { name: '李娜' },
  terminalName: '1 号收银台',
  figures: [
    { item: 'salesCount', value: 12 },
    { item: 'salesTotal', value: 358_800 },
    { item: 'float', value: 20_000 },
    { item: 'expected', value: 120_000 },
    { item: 'counted', value: 120_000 + variance },
    { item: 'variance', value: variance },
  ],
  payments: [
    { method: 'cash', amount: 100_000 },
    { method: 'wechat', amount: 258_800 },
  ],
  note: '少了一元',
});

const job = (document: SlipDocument): PrintJob =>
  printJobSchema.parse({ jobId: 'slip-1', terminalId: 't1', reprint: false, kind: 'slip', document });

describe('counter slips', () => {
  it('prints the figures, each tender, and a short drawer as 短款 with a positive amount', () => {
    const { text } = renderJob(job(slip(-100)), profile());
    expect(text).toContain('交班单');
    expect(text).toMatch(/销售笔数 +12/);
    expect(text).toMatch(/微信支付 +2588\.00/);
    expect(text).toMatch(/差额 \(短款\) +1\.00/);
    expect(text).not.toContain('-1.00');
    expect(text).toContain('备注: 少了一元');
    expect(text).toContain('2026-12-05 09:00');
    for (const line of text.split('\n')) expect(textWidth(line, 'gb18030')).toBeLessThanOrEqual(48);
  });

  it('says 长款 for more cash than expected, and speaks English on a printer without Chinese', () => {
    expect(renderJob(job(slip(500)), profile()).text).toMatch(/差额 \(长款\) +5\.00/);
    const ascii = renderJob(job(slip(500)), profile({ charset: 'ascii', paperWidth: 58 })).text;
    expect(ascii).toContain('SHIFT CLOSE');
    expect(ascii).toMatch(/Variance \(Over\) +5\.00/);
  });

  it('prints a 充值单 with the member masked and a 取款单 with its reason', () => {
    const head = {
      store: slip(0).store,
      ref: 'r1',
      at: slip(0).at,
      timeZone: 'Asia/Shanghai',
      cashier: { name: '李娜' },
    };
    const topUp = renderJob(
      job({
        ...head,
        kind: 'top_up',
        member: { name: '陈静', phoneMasked: '138****8000' },
        method: 'wechat',
        figures: [
          { item: 'amount', value: 50_000 },
          { item: 'bonus', value: 5_000 },
          { item: 'balance', value: 55_000 },
        ],
        payments: [],
      }),
      profile(),
    ).text;
    expect(topUp).toContain('充值单');
    expect(topUp).toMatch(/会员: 陈静 +138\*\*\*\*8000/);
    expect(topUp).toMatch(/赠送 +50\.00/);
    expect(topUp).toMatch(/付款方式 +微信支付/);
    const paidOut = renderJob(
      job({
        ...head,
        kind: 'paid_out',
        figures: [{ item: 'amount', value: 1_500 }],
        payments: [],
        note: '快递费',
      }),
      profile(),
    ).text;
    expect(paidOut).toContain('取款单');
    expect(paidOut).toMatch(/金额 +15\.00/);
    expect(paidOut).toContain('备注: 快递费');
  });

  it('is refused by the print schema with a figure it does not know', () => {
    const bad = { ...slip(0), figures: [{ item: 'tips', value: 1 }] };
    expect(() => job(bad as unknown as SlipDocument)).toThrow();
  });
});
