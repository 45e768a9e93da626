import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { testEngine } from '../testing/test-database.js';
import { verifyBackup } from './backup.js';

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(() => store.close());

describe('GET and POST /api/backups', () => {
  it.skipIf(testEngine === 'postgres')(
    'lists the backups with the schedule, makes one now and audits it',
    async () => {
      const owner = await ownerToken(store);
      const empty = await call(store, 'GET', '/api/backups', { token: owner });
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({
        items: [],
        schedule: { enabled: true, everyHours: 24, keep: 14 },
        encrypting: false,
        folder: 'backups',
      });
      const made = await call(store, 'POST', '/api/backups', { token: owner });
      expect(made.status).toBe(201);
      const name = made.body.backup.name as string;
      expect(name).toBe('hanger-20261124T100000000Z.db');
      expect(made.body.backup).toMatchObject({ at: '2026-11-24T10:00:00.000Z', encrypted: false });
      expect(made.body.backup.bytes).toBeGreaterThan(0);
      const file = join(store.dataDir, 'backups', name);
      expect(existsSync(file)).toBe(true);
      expect(verifyBackup(file, 1000).schemaVersion).toBeGreaterThan(0);

      store.clock.advance(60_000);
      await call(store, 'POST', '/api/backups', { token: owner });
      const list = await call(store, 'GET', '/api/backups', { token: owner });
      expect(list.body.items.map((b: { name: string }) => b.name)).toEqual([
        'hanger-20261124T100100000Z.db',
        name,
      ]);
      const audit = await call(store, 'GET', '/api/audit?kind=backup.made', { token: owner });
      expect(audit.body.items).toHaveLength(2);
      expect(audit.body.items[1]).toMatchObject({ kind: 'backup.made', detail: { file: name } });
    },
  );

  it.runIf(testEngine === 'postgres')(
    'on PostgreSQL: says that backups and exports are made there, writes nothing',
    async () => {
      const owner = await ownerToken(store);
      for (const [method, path] of [
        ['POST', '/api/backups'],
        ['GET', '/api/export'],
      ] as const) {
        const reply = await call(store, method, path, { token: owner });
        expect(reply.status).toBe(422);
        expect(reply.body.error.message).toContain('PostgreSQL');
      }
      expect(existsSync(join(store.dataDir, 'backups'))).toBe(false);
    },
  );

  it('is for the owner only', async () => {
    const owner = await ownerToken(store);
    for (const role of ['manager', 'cashier'] as const) {
      const staff = await addStaff(store, owner, role);
      expect((await call(store, 'GET', '/api/backups', { token: staff.token })).status).toBe(403);
      expect((await call(store, 'POST', '/api/backups', { token: staff.token })).status).toBe(403);
    }
    expect((await call(store, 'GET', '/api/backups', {})).status).toBe(401);
  });
});
