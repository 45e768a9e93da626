import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleReceipt } from '../../../bridge/testing/fixtures.js';
import { call, login, ownerToken, pairDevice, TestSocket } from '../../testing/client.js';
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

describe('print jobs another till made, or nobody made', () => {
  it('are a 404 to reprint or report, and leave no audit row', async () => {
    const store = await startTestStore();
    try {
      const owner = await ownerToken(store);
      const [tillA, tillB] = [
        await pairDevice(store, owner, 'checkout'),
        await pairDevice(store, owner, 'checkout'),
      ];
      const bridgeB = await pairDevice(store, owner, 'bridge', tillB.id);
      const jobA = await queuePrint(store.ctx, tillA.id, {
        kind: 'receipt',
        document: sampleReceipt(),
        openDrawer: false,
      });
      const jobB = await queuePrint(store.ctx, tillB.id, {
        kind: 'receipt',
        document: sampleReceipt(),
        openDrawer: false,
      });
      const staff = await call(store, 'POST', '/api/staff', {
        token: owner,
        body: { username: 'mgr', name: '经理', role: 'manager', password: 'manager-pass-1', pin: '4321' },
      });
      expect(staff.status).toBe(201);
      const atTillB = await call(store, 'POST', '/api/auth/pin', {
        token: tillB.token,
        body: { username: 'mgr', pin: '4321' },
      });
      const reprinted = async () =>
        (
          await store.ctx.storage.db
            .selectFrom('audit_log')
            .select('subject_id')
            .where('kind', '=', 'receipt.reprinted')
            .execute()
        ).map((row) => row.subject_id);

      for (const jobId of [jobA.jobId, 'no-such-job']) {
        const reply = await call(store, 'POST', `/api/print/jobs/${jobId}/reprint`, {
          token: atTillB.body.token,
        });
        expect({ jobId, status: reply.status, code: reply.body.error?.code }).toEqual({
          jobId,
          status: 404,
          code: 'not_found',
        });
      }
      const { socket } = await TestSocket.open(store, bridgeB.token);
      for (const jobId of [jobA.jobId, 'no-such-job']) {
        const reply = await socket.request('print/report', { jobId, state: 'printed' });
        expect({ jobId, code: reply.error?.code }).toEqual({ jobId, code: 'not_found' });
      }
      // Till A's job is still waiting for till A's bridge.
      const waiting = await store.ctx.storage.db
        .selectFrom('print_jobs')
        .select('collected_at')
        .where('id', '=', jobA.jobId)
        .executeTakeFirstOrThrow();
      expect(waiting.collected_at).toBeNull();
      expect(await reprinted()).toEqual([]);

      // Its own till's job: reported and reprinted, one audit row.
      expect((await socket.request('print/report', { jobId: jobB.jobId, state: 'printed' })).success).toBe(
        true,
      );
      const own = await call(store, 'POST', `/api/print/jobs/${jobB.jobId}/reprint`, {
        token: atTillB.body.token,
      });
      expect(own.status).toBe(200);
      expect(await reprinted()).toEqual([jobB.jobId]);
      socket.close();
    } finally {
      await store.close();
    }
  });
});

describe("a print job's state", () => {
  it('is what the bridge last reported, with attempts and the last error; a cashier sees only their till', async () => {
    const store = await startTestStore();
    try {
      const owner = await ownerToken(store);
      const [tillA, tillB] = [
        await pairDevice(store, owner, 'checkout'),
        await pairDevice(store, owner, 'checkout'),
      ];
      const bridgeA = await pairDevice(store, owner, 'bridge', tillA.id);
      const job = await queuePrint(store.ctx, tillA.id, {
        kind: 'receipt',
        document: sampleReceipt(),
        openDrawer: false,
      });
      const view = async (token: string, jobId = job.jobId) =>
        call(store, 'GET', `/api/print/jobs/${jobId}`, { token });
      expect((await view(owner)).body).toEqual({
        id: job.jobId,
        kind: 'receipt',
        state: 'queued',
        attempts: 0,
      });

      const { socket } = await TestSocket.open(store, bridgeA.token);
      const report = (params: Record<string, unknown>) =>
        socket.request('print/report', { jobId: job.jobId, ...params });
      expect((await report({ state: 'printing', attempts: 1 })).success).toBe(true);
      expect(
        (await report({ state: 'unknown', attempts: 1, reason: 'no status answer after it' })).success,
      ).toBe(true);
      expect((await view(owner)).body).toEqual({
        id: job.jobId,
        kind: 'receipt',
        state: 'unknown',
        attempts: 1,
        lastError: 'no status answer after it',
      });

      for (const [username, till] of [
        ['cash-a', tillA],
        ['cash-b', tillB],
      ] as const) {
        const added = await call(store, 'POST', '/api/staff', {
          token: owner,
          body: { username, name: username, role: 'cashier', password: 'cashier-pass-1', pin: '1357' },
        });
        expect(added.status).toBe(201);
        const signedIn = await call(store, 'POST', '/api/auth/pin', {
          token: till.token,
          body: { username, pin: '1357' },
        });
        const seen = await view(signedIn.body.token);
        expect({ username, status: seen.status }).toEqual({ username, status: till === tillA ? 200 : 404 });
      }

      expect((await report({ state: 'printed', attempts: 2 })).success).toBe(true);
      expect((await view(owner)).body).toEqual({
        id: job.jobId,
        kind: 'receipt',
        state: 'printed',
        attempts: 2,
      });
      expect((await view(owner, 'no-such-job')).status).toBe(404);
      expect((await view(tillA.token)).status).toBe(403);
      socket.close();
    } finally {
      await store.close();
    }
  });
});
