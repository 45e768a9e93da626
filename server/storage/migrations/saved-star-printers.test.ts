import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openSqlite, type Storage } from '../database.js';
import { savedStarPrinters } from './0032_saved_star_printers.js';

let storage: Storage | null = null;
afterEach(async () => {
  await storage?.close();
  storage = null;
});

it('keeps a Star printer saved on the admin page before Star command sets on ESC/POS, and nothing else', async () => {
  storage = openSqlite(':memory:');
  await sql`create table bridge_setups (device_id text primary key, devices text not null)`.execute(
    storage.db,
  );
  const star = { id: 'p1', kind: 'printer', model: 'star-tsp650', transport: 'tcp', host: '10.0.0.9' };
  const chosen = { id: 'p2', kind: 'printer', model: 'star-mc-print3', emulation: 'star-prnt' };
  const epson = { id: 'p3', kind: 'printer', model: 'epson-tm-t88vi' };
  const scanner = { id: 's1', kind: 'scanner', model: 'star-scanner?' };
  const saved = [
    { device_id: 'b1', devices: JSON.stringify([star, chosen, epson, scanner]) },
    { device_id: 'b2', devices: JSON.stringify([epson]) },
  ];
  for (const row of saved) {
    await sql`insert into bridge_setups (device_id, devices) values (${row.device_id}, ${row.devices})`.execute(
      storage.db,
    );
  }

  await savedStarPrinters.up(storage.db as never, 'sqlite');

  const rows = await sql<{
    device_id: string;
    devices: string;
  }>`select * from bridge_setups order by device_id`.execute(storage.db);
  expect(rows.rows.map((row) => JSON.parse(row.devices))).toEqual([
    [{ ...star, emulation: 'escpos' }, chosen, epson, scanner],
    [epson],
  ]);
});
