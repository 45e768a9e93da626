import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestStore } from '../testing/harness.js';
import { FEATURES } from './features.js';
import { LoyaltyTimer } from './loyalty/jobs.js';
import { MarketingWorker } from './marketing/marketing-worker.js';

afterEach(() => vi.restoreAllMocks());

describe('the domains declare themselves', () => {
  it('every domain folder but the pure pricing engine has a feature.ts on the list, once, under its own name', () => {
    const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'pricing')
      .map((entry) => entry.name);
    for (const folder of folders)
      expect(existsSync(join(import.meta.dirname, folder, 'feature.ts')), folder).toBe(true);
    expect(FEATURES.map((feature) => feature.name).sort()).toEqual(folders.sort());
  });

  it('a server starts the workers in list order and stops them in reverse, before the database closes', async () => {
    const steps: string[] = [];
    for (const [name, type] of [
      ['loyalty', LoyaltyTimer],
      ['marketing', MarketingWorker],
    ] as const) {
      const { start, stop } = type.prototype;
      vi.spyOn(type.prototype, 'start').mockImplementation(function (this: typeof type.prototype) {
        steps.push(`start ${name}`);
        start.call(this);
      });
      vi.spyOn(type.prototype, 'stop').mockImplementation(function (this: typeof type.prototype) {
        steps.push(`stop ${name}`);
        return stop.call(this);
      });
    }
    const store = await startTestStore();
    const close = store.ctx.storage.close.bind(store.ctx.storage);
    vi.spyOn(store.ctx.storage, 'close').mockImplementation(() => {
      steps.push('close the database');
      return close();
    });
    await store.close();
    expect(steps).toEqual([
      'start loyalty',
      'start marketing',
      'stop marketing',
      'stop loyalty',
      'close the database',
    ]);
  });
});
