import { describe, expect, it } from 'vitest';
import { newRequestId } from './http.js';

describe('the id a screen makes for an idempotent command', () => {
  it('is a UUID of version 7 (time-ordered), and each made after another sorts after it', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // In the order made, however many come in one millisecond: they land together in an index.
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("carries the screen's clock in its first 48 bits", () => {
    const before = Date.now();
    const id = newRequestId();
    const at = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
