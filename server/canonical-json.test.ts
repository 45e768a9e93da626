import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys by code unit, not by locale: capitals before small letters, "_" after them', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, _z: 4, A_: 5 })).toBe('{"A_":5,"B":3,"_z":4,"a":2,"b":1}');
  });

  it('gives the same text however the keys were ordered, at every depth', () => {
    const one = { id: 'x', body: { lines: [{ qty: 1, skuId: 's' }], memo: { to: 'a', from: 'b' } } };
    const two = { body: { memo: { from: 'b', to: 'a' }, lines: [{ skuId: 's', qty: 1 }] }, id: 'x' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe(
      '{"body":{"lines":[{"qty":1,"skuId":"s"}],"memo":{"from":"b","to":"a"}},"id":"x"}',
    );
  });

  it('keeps arrays in their order', () => {
    expect(canonicalJson([3, 1, { b: 1, a: 2 }])).toBe('[3,1,{"a":2,"b":1}]');
    expect(canonicalJson({ codes: ['B', 'A'] })).not.toBe(canonicalJson({ codes: ['A', 'B'] }));
  });

  it('drops undefined members as JSON.stringify does, and keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
    expect(canonicalJson({ a: 1, memberId: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([undefined, 1])).toBe(JSON.stringify([undefined, 1]));
  });
});
