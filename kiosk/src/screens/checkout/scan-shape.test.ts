import { describe, expect, it } from 'vitest';
import { scanKind } from './scan-shape.js';

describe('scanKind', () => {
  it('takes a mobile number typed into the scan field for a member, not a tag', () => {
    expect(scanKind('13800138000', false)).toBe('phone');
    expect(scanKind('19912345678', false)).toBe('phone');
  });
  it('rings up what the bridge scanned, and tags of other shapes', () => {
    expect(scanKind('13800138000', true)).toBe('barcode');
    expect(scanKind('12800138000', false)).toBe('barcode');
    expect(scanKind('2000000000015', false)).toBe('barcode');
    expect(scanKind('00138001', false)).toBe('barcode');
  });
  it('knows a member card by its 16 digits, from either source', () => {
    expect(scanKind('6200000000000001', true)).toBe('member_card');
    expect(scanKind('6200000000000001', false)).toBe('member_card');
  });
});
