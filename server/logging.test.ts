import { describe, expect, it } from 'vitest';
import { maskPhones } from './logging.js';

describe('maskPhones', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['138.1234.5678', '138****5678'],
    ['138%201234%205678', '138****5678'],
    ['138+1234+5678', '138****5678'],
    ['8613812345678', '86 138****5678'],
    ['+8613812345678', '+86 138****5678'],
    ['+86 138 1234 5678', '+86 138****5678'],
    ['+86-138-1234-5678', '+86 138****5678'],
    ['%2B86%20138%201234%205678', '+86 138****5678'],
    ['+85291234567', '+852****4567'],
    ['+852 9123 4567', '+852****4567'],
    ['+14155550100', '+141****0100'],
    ['+1 (415) 555-0100', '+1****0100'],
    ['%2B1%20(415)%20555-0100', '+1****0100'],
  ])('masks %s in a path as %s', (typed, masked) => {
    expect(maskPhones(`/api/members?phone=${typed}&limit=20`)).toBe(`/api/members?phone=${masked}&limit=20`);
  });

  it('leaves dates, amounts and ids alone', () => {
    const path =
      '/api/reports/sales?from=2026-01-01&to=2026-12-31&limit=100&sale=5f0c2a9e-1b2c-4d3e-8f40-123456789abc';
    expect(maskPhones(path)).toBe(path);
  });

  it('masks member codes, also as query values', () => {
    expect(maskPhones('/api/members?code=8800123456781234')).toBe('/api/members?code=****1234');
    expect(maskPhones('/api/self/lookup?memberCode=HG-7781')).toBe('/api/self/lookup?memberCode=****7781');
  });
});
