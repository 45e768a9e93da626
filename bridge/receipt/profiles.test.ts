import { describe, expect, it } from 'vitest';
import { modelProfile, PRINTER_MODELS } from './profiles.js';

describe('printer profiles from the model data', () => {
  it('knows Epson, Xprinter and Star models, with their columns, QR support and cutter', () => {
    for (const model of ['epson-tm-t88vi', 'xprinter-xp-n160ii', 'star-tsp100iv', 'pos-5890'])
      expect(PRINTER_MODELS).toContain(model);
    expect(modelProfile('epson-tm-t88vi')).toMatchObject({
      paperWidth: 80,
      columns: 42,
      dots: 504,
      cut: true,
    });
    expect(modelProfile('xprinter-xp-t80q')).toEqual({
      paperWidth: 80,
      columns: 48,
      dots: 576,
      qr: 'native',
      cut: true,
      emulation: 'escpos',
    });
    expect(modelProfile('pos-5890')).toEqual({
      paperWidth: 58,
      columns: 32,
      dots: 384,
      qr: 'native',
      cut: false,
      emulation: 'escpos',
    });
    // An old TM-T88II has no QR command: its QR codes are drawn as images.
    expect(modelProfile('epson-tm-t88ii').qr).toBe('raster');
    expect(() => modelProfile('acme-9000')).toThrow(/unknown printer model "acme-9000"/);
  });
});
