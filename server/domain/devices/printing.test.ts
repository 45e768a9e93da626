import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleReceipt } from '../../../bridge/testing/fixtures.js';
import { login, ownerToken, pairDevice, TestSocket } from '../../testing/client.js';
import { OWNER_PASSWORD, startTestStore } from '../../testing/harness.js';
import { queuePrint } from './printing.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-print-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('print jobs waiting for a bridge', () => {
  it('survive a server restart and are handed over until the bridge says it holds them', async () => {
    const first = await startTestStore({ dataDir });
    const owner = await ownerToken(first);
    const terminal = await pairDevice(first, owner, 'checkout');
    const bridge = await pairDevice(first, owner, 'bridge', terminal.id);
    const job = await queuePrint(first.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt({ saleNumber: 'S001-20261124-0007' }),
      openDrawer: true,
    });
    // Queuing the same job again (a resent sale) does not make a second one.
    await queuePrint(
      first.ctx,
      terminal.id,
      { kind: 'receipt', document: sampleReceipt(), openDrawer: true },
      { jobId: job.jobId },
    );
    await first.close();

    const second = await startTestStore({ dataDir });
    try {
      expect(await login(second, 'owner', OWNER_PASSWORD)).toMatch(/^hgs_/);
      const { socket } = await TestSocket.open(second, bridge.token);
      const pending = await socket.request('print/pending');
      expect(pending.result.items.map((j: { jobId: string }) => j.jobId)).toEqual([job.jobId]);
      expect(pending.result.items[0].document.saleNumber).toBe('S001-20261124-0007');
      expect((await socket.request('print/report', { jobId: job.jobId, state: 'queued' })).success).toBe(
        true,
      );
      expect((await socket.request('print/pending')).result.items).toEqual([]);
      socket.close();
    } finally {
      await second.close();
    }
  });
});
