import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeDevice } from '../server/config/schema.js';
import { queuePrint, showOnPole } from '../server/domain/devices/printing.js';
import type { PrintJob } from '../server/protocol/printing.js';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { Bridge, type BridgeOptions } from './bridge.js';
import { ESCPOS } from './receipt/escpos.js';
import { FakePrinter } from './testing/fake-printer.js';
import { FakeStarPrinter } from './testing/fake-star-printer.js';
import { quietLog, sampleReceipt } from './testing/fixtures.js';
import { PtyPair } from './testing/socat.js';
import { EventWatcher } from './testing/watch.js';

let store: TestStore;
let owner: string;
let terminal: { id: string; token: string };
let bridgeToken: string;
let dir: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  terminal = await pairDevice(store, owner, 'checkout');
  bridgeToken = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
  dir = mkdtempSync(join(tmpdir(), 'hanger-bridge-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBridge(devices: BridgeDevice[], extra: Partial<BridgeOptions> = {}): Promise<Bridge> {
  const bridge = new Bridge({
    devices,
    dataDir: dir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    reopenMs: 200,
    statusTimeoutMs: 1000,
    probeEveryMs: 60_000,
    connectTimeoutMs: 2000,
    retry: { firstMs: 200, maxMs: 1000 },
    backoff: { firstMs: 100, maxMs: 1000 },
    ...extra,
  });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  // Jobs made from now on reach it live (a job collected after connecting never opens the drawer).
  const deadline = Date.now() + 10_000;
  while (!bridge.connected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return bridge;
}

async function watch(token: string, topics: Parameters<typeof EventWatcher.open>[2]): Promise<EventWatcher> {
  const watcher = await EventWatcher.open(store.url, token, topics);
  cleanups.push(() => watcher.close());
  return watcher;
}

async function fakePrinter(): Promise<FakePrinter> {
  const printer = new FakePrinter();
  await printer.start();
  cleanups.push(() => printer.stop());
  return printer;
}

/** A manager signed in with a PIN on the bridge's terminal (reprints need a terminal). */
async function managerAtTerminal(): Promise<string> {
  const manager = await call(store, 'POST', '/api/staff', {
    token: owner,
    body: { username: 'mgr', name: '经理', role: 'manager', password: 'manager-pass-1', pin: '4321' },
  });
  expect(manager.status).toBe(201);
  const pin = await call(store, 'POST', '/api/auth/pin', {
    token: terminal.token,
    body: { username: 'mgr', pin: '4321' },
  });
  return pin.body.token as string;
}

const receiptPrinter = (port: number, extra: Partial<BridgeDevice> = {}): BridgeDevice => ({
  id: 'printer-1',
  kind: 'printer',
  transport: { type: 'tcp', host: '127.0.0.1', port },
  paperWidth: 80,
  ...extra,
});

describe('scanner on a real serial line (socat pty pair)', () => {
  it("delivers a scan to the terminal's subscription, goes offline when unplugged and comes back", async () => {
    const pty = new PtyPair(dir);
    await pty.start();
    cleanups.push(() => pty.stop());
    const admin = await watch(owner, ['device.status']);
    const till = await watch(terminal.token, ['scanner.scan']);
    await startBridge([
      { id: 'scanner-1', kind: 'scanner', transport: { type: 'serial', path: pty.a, baudRate: 9600 } },
    ]);
    await admin.waitFor('device.status', (d) => d.hardwareId === 'scanner-1' && d.status === 'online');

    await pty.write(']E06901234567892\r\n');
    const scan = await till.waitFor('scanner.scan');
    expect(scan.data).toMatchObject({
      terminalId: terminal.id,
      hardwareId: 'scanner-1',
      code: '6901234567892',
      symbology: 'ean13',
    });

    admin.clear();
    await pty.stop();
    const offline = await admin.waitFor(
      'device.status',
      (d) => d.hardwareId === 'scanner-1' && d.status === 'offline',
    );
    expect(offline.data.reason).toMatch(/disconnected|does not exist/);

    await pty.start();
    await admin.waitFor('device.status', (d) => d.hardwareId === 'scanner-1' && d.status === 'online');
    till.clear();
    await pty.write('2000000012345\r\n');
    expect((await till.waitFor('scanner.scan')).data.code).toBe('2000000012345');
  });

  it('reports a configured port that does not exist as offline, and the rest keeps working', async () => {
    const admin = await watch(owner, ['device.status']);
    const printer = await fakePrinter();
    await startBridge([
      {
        id: 'scanner-1',
        kind: 'scanner',
        transport: { type: 'serial', path: join(dir, 'no-such-tty'), baudRate: 9600 },
      },
      receiptPrinter(printer.port),
    ]);
    const offline = await admin.waitFor('device.status', (d) => d.hardwareId === 'scanner-1');
    expect(offline.data).toMatchObject({
      status: 'offline',
      reason: expect.stringContaining('does not exist'),
    });
    await admin.waitFor('device.status', (d) => d.hardwareId === 'printer-1' && d.status === 'online');
  });
});

describe('receipt printer on TCP 9100', () => {
  it('prints a Chinese and Latin receipt with the cut, once, and opens the drawer apart from it', async () => {
    const printer = await fakePrinter();
    const admin = await watch(owner, ['print.status']);
    await startBridge([receiptPrinter(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: true,
    });
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    const [bytes] = await printer.waitForPrints(1);
    if (!bytes) throw new Error('no print');
    const text = iconv.decode(bytes, 'gb18030');
    for (const expected of [
      '衣架服装店 Hanger',
      '羊毛混纺大衣 Wool Coat',
      'Basic Tee',
      '会员9折',
      '合计',
      '￥957.10',
      '谢谢惠顾',
    ]) {
      expect(text).toContain(expected);
    }
    expect(bytes.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    expect(await printer.waitForKicks(1)).toEqual([2]);
    expect(bytes.includes(ESCPOS.cut)).toBe(true);
    expect(bytes.includes(ESCPOS.chineseOn)).toBe(true);
  });

  it('holds the job while the printer says it is out of paper, reports it, and prints once paper is in', async () => {
    const printer = await fakePrinter();
    printer.state = 'paper_out';
    const admin = await watch(owner, ['print.status', 'device.status']);
    await startBridge([receiptPrinter(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: false,
    });
    const held = await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'held');
    expect(held.data.reason).toMatch(/out of paper/);
    await admin.waitFor('device.status', (d) => d.hardwareId === 'printer-1' && d.status === 'paper_out');
    expect(printer.prints).toHaveLength(0);

    printer.state = 'ok';
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    expect(await printer.waitForPrints(1)).toHaveLength(1);
  });

  it('reports a printer that never answers the status request, without crashing or printing', async () => {
    const printer = await fakePrinter();
    printer.state = 'silent';
    const admin = await watch(owner, ['print.status', 'device.status']);
    const bridge = await startBridge([receiptPrinter(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: false,
    });
    const status = await admin.waitFor(
      'device.status',
      (d) => d.hardwareId === 'printer-1' && d.status === 'error',
    );
    expect(status.data.reason).toMatch(/did not answer the status request/);
    const held = await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'held');
    expect(held.data.reason).toMatch(/DLE EOT/);
    expect(printer.prints).toHaveLength(0);
    expect(bridge.connected).toBe(true);
  });

  it('survives a restart with queued jobs and prints each exactly once', async () => {
    const printer = await fakePrinter();
    printer.state = 'paper_out';
    const admin = await watch(owner, ['print.status']);
    const first = await startBridge([receiptPrinter(printer.port)]);
    const jobs = [];
    for (const n of [1, 2, 3]) {
      jobs.push(
        await queuePrint(store.ctx, terminal.id, {
          kind: 'receipt',
          document: sampleReceipt({ saleNumber: `S001-20261124-000${n}` }),
          openDrawer: false,
        }),
      );
    }
    // Each job is in the bridge's queue: waiting, or held because the printer is out of paper.
    for (const job of jobs)
      await admin.waitFor(
        'print.status',
        (d) => d.jobId === job.jobId && ['queued', 'held'].includes(d.state),
      );
    await first.stop();
    cleanups.pop();

    printer.state = 'ok';
    await startBridge([receiptPrinter(printer.port)]);
    for (const job of jobs)
      await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    // The server sending a job again (say after a reconnect) prints nothing more.
    for (const job of jobs) store.ctx.bus.publish('print.job', store.ctx.store.id, job);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const prints = printer.prints.map((bytes) => iconv.decode(bytes, 'gb18030'));
    expect(prints).toHaveLength(3);
    for (const n of [1, 2, 3])
      expect(prints.filter((p) => p.includes(`S001-20261124-000${n}`))).toHaveLength(1);
  });

  it('reprints a job when asked, marked as a reprint and without opening the drawer', async () => {
    const printer = await fakePrinter();
    const admin = await watch(owner, ['print.status']);
    await startBridge([receiptPrinter(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: true,
    });
    await printer.waitForPrints(1);
    const reply = await call(store, 'POST', `/api/print/jobs/${job.jobId}/reprint`, {
      token: await managerAtTerminal(),
    });
    expect(reply.status).toBe(200);
    const [, again] = await printer.waitForPrints(2);
    if (!again) throw new Error('no reprint');
    expect(iconv.decode(again, 'gb18030')).toContain('重印');
    expect(again.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    expect(printer.kicks).toHaveLength(1);
  });

  it('never says printed when the printer drops the connection after the status query; the reprint prints once', async () => {
    const printer = await fakePrinter();
    printer.state = 'drop';
    const admin = await watch(owner, ['print.status']);
    await startBridge([receiptPrinter(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: false,
    });
    const unknown = await admin.waitFor(
      'print.status',
      (d) => d.jobId === job.jobId && d.state === 'unknown',
    );
    expect(unknown.data.reason).toMatch(/did not confirm|connection broke/);
    const seen = await call(store, 'GET', `/api/print/jobs/${job.jobId}`, { token: owner });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: job.jobId, kind: 'receipt', state: 'unknown', attempts: 1 });
    expect(seen.body.lastError).toEqual(unknown.data.reason);

    // Back: the job is not printed again by itself (it may be on paper) ...
    printer.state = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(printer.prints).toHaveLength(0);
    // ... the cashier, asked, says it is missing: one copy comes out.
    const reply = await call(store, 'POST', `/api/print/jobs/${job.jobId}/reprint`, {
      token: await managerAtTerminal(),
    });
    expect(reply.status).toBe(200);
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(printer.prints).toHaveLength(1);
    expect(
      admin.events.filter(
        (e) => e.type === 'print.status' && (e.data as { state: string }).state === 'printed',
      ),
    ).toHaveLength(1);
    const after = await call(store, 'GET', `/api/print/jobs/${job.jobId}`, { token: owner });
    expect(after.body).toEqual({ id: job.jobId, kind: 'receipt', state: 'printed', attempts: 1 });
    expect((await call(store, 'GET', '/api/print/jobs/no-such-job', { token: owner })).status).toBe(404);
  });

  it('prints held jobs as soon as it sees the printer back, not at the retry timer', async () => {
    const printer = await fakePrinter();
    printer.state = 'paper_out';
    const admin = await watch(owner, ['print.status']);
    await startBridge([receiptPrinter(printer.port)], { retry: { firstMs: 30_000, maxMs: 30_000 } });
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: false,
    });
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'held');
    printer.state = 'ok';
    const back = Date.now();
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed', 10_000);
    expect(Date.now() - back).toBeLessThan(2500);
    expect(printer.prints).toHaveLength(1);
  });
});

describe('drawer and pole display', () => {
  it('answers the "no sale" with an error when the drawer could not be opened', async () => {
    // A drawer on a serial port that is not there: the kick cannot go out.
    await startBridge([
      {
        id: 'drawer-1',
        kind: 'drawer',
        transport: { type: 'serial', path: '/dev/hanger-no-such-port', baudRate: 9600 },
        pin: 2,
      },
    ]);
    const manager = await managerAtTerminal();
    const failed = await call(store, 'POST', '/api/drawer/open', {
      token: manager,
      body: { reason: '换零钱' },
    });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('device_unavailable');
    expect(failed.body.error.fields.drawer).toMatch(/could not open the drawer/);
    const audit = await call(store, 'GET', '/api/audit?kind=drawer.opened', { token: owner });
    expect(audit.body.items[0].detail).toMatchObject({ reason: '换零钱', opened: false });
  });

  it('opens the drawer of a cash sale while the printer is out of paper', async () => {
    const printer = await fakePrinter();
    printer.state = 'paper_out';
    const admin = await watch(owner, ['print.status']);
    await startBridge([
      receiptPrinter(printer.port),
      { id: 'drawer-1', kind: 'drawer', via: 'printer-1', pin: 5 },
    ]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: true,
    });
    expect(await printer.waitForKicks(1, 3000)).toEqual([5]);
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'held');
    expect(printer.prints).toHaveLength(0);
  });

  it('does not open the drawer later for cash sales made while the printer was off', async () => {
    const first = await fakePrinter();
    const port = first.port;
    await first.stop();
    cleanups.pop();
    const admin = await watch(owner, ['print.status']);
    await startBridge([receiptPrinter(port)]);
    const jobs: PrintJob[] = [];
    for (const n of [1, 2])
      jobs.push(
        await queuePrint(store.ctx, terminal.id, {
          kind: 'receipt',
          document: sampleReceipt({ saleNumber: `S001-20261124-000${n}` }),
          openDrawer: true,
        }),
      );
    // The first waits for the printer, the second behind it.
    await admin.waitFor('print.status', (d) => d.jobId === jobs[0]?.jobId && d.state === 'held');

    const printer = new FakePrinter();
    await printer.start(port);
    cleanups.push(() => printer.stop());
    for (const job of jobs)
      await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(printer.prints).toHaveLength(2);
    expect(printer.kicks).toHaveLength(0);
    for (const bytes of printer.prints) expect(bytes.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
  });

  it('kicks the drawer through the printer on drawer.open, and shows lines on a virtual pole display', async () => {
    const printer = await fakePrinter();
    const admin = await watch(owner, ['device.status']);
    const bridge = await startBridge([
      receiptPrinter(printer.port),
      { id: 'drawer-1', kind: 'drawer', via: 'printer-1', pin: 2 },
      { id: 'pole-1', kind: 'display', transport: { type: 'virtual' } },
    ]);
    await admin.waitFor('device.status', (d) => d.hardwareId === 'pole-1' && d.status === 'online');
    // The "no sale" route answers once the bridge says the drawer opened.
    const manager = await managerAtTerminal();
    const opened = await call(store, 'POST', '/api/drawer/open', {
      token: manager,
      body: { reason: '换零钱' },
    });
    expect(opened.status).toBe(200);
    expect(await printer.waitForKicks(1)).toEqual([2]);
    expect(printer.prints).toHaveLength(0);

    showOnPole(store.ctx, terminal.id, { kind: 'paid', paid: 100000, change: 4290 });
    const display = bridge.devices?.displays[0];
    const deadline = Date.now() + 10_000;
    while (!display?.lines && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(display?.lines).toEqual(['PAID         1000.00', 'CHANGE         42.90']);
  });
});

describe('Star printer in its own command set (Star Line Mode / StarPRNT)', () => {
  async function fakeStar(): Promise<FakeStarPrinter> {
    const printer = new FakeStarPrinter();
    await printer.start();
    cleanups.push(() => printer.stop());
    return printer;
  }
  const star = (port: number) => receiptPrinter(port, { model: 'star-tsp650ii' });

  it('prints a Chinese receipt in Star Line Mode (the model’s own), cut, confirmed by ETB, and opens the drawer', async () => {
    const printer = await fakeStar();
    printer.asb = true;
    const admin = await watch(owner, ['print.status']);
    await startBridge([star(printer.port), { id: 'drawer-1', kind: 'drawer', via: 'printer-1', pin: 2 }]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: true,
    });
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    const [bytes] = await printer.waitForPrints(1);
    if (!bytes) throw new Error('no print');
    // ESC @ CAN: Star's initialise; ESC $ 1: the two-byte mode the Chinese text is read in.
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0x1b, 0x40, 0x18]));
    expect(bytes.includes(Buffer.from([0x1b, 0x24, 1]))).toBe(true);
    const text = iconv.decode(bytes, 'gb18030');
    for (const expected of ['羊毛混纺大衣 Wool Coat', '会员9折', '合计', '￥957.10', '谢谢惠顾']) {
      expect(text).toContain(expected);
    }
    // Star's partial cut (ESC d 1), and none of ESC/POS's commands.
    expect(bytes.includes(Buffer.from([0x1b, 0x64, 0x01]))).toBe(true);
    expect(bytes.includes(ESCPOS.cut)).toBe(false);
    expect(bytes.includes(ESCPOS.chineseOn)).toBe(false);
    expect(await printer.waitForKicks(1)).toEqual([2]);
    expect(printer.etb).toBe(1);
  });

  it('never says printed when the Star drops the connection after the status request; the reprint prints once', async () => {
    const printer = await fakeStar();
    printer.state = 'drop';
    const admin = await watch(owner, ['print.status']);
    await startBridge([star(printer.port)]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: false,
    });
    const unknown = await admin.waitFor(
      'print.status',
      (d) => d.jobId === job.jobId && d.state === 'unknown',
    );
    expect(unknown.data.reason).toMatch(/did not confirm|connection broke/);
    expect(admin.events.some((e) => (e.data as { state?: string }).state === 'printed')).toBe(false);

    printer.state = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(printer.prints).toHaveLength(0);
    const reply = await call(store, 'POST', `/api/print/jobs/${job.jobId}/reprint`, {
      token: await managerAtTerminal(),
    });
    expect(reply.status).toBe(200);
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(printer.prints).toHaveLength(1);
  });

  it('holds the job while the Star is out of paper, opens the drawer anyway, and prints once paper is in', async () => {
    const printer = await fakeStar();
    printer.state = 'paper_out';
    const admin = await watch(owner, ['print.status', 'device.status']);
    await startBridge([
      receiptPrinter(printer.port, { emulation: 'star-prnt' }),
      { id: 'drawer-1', kind: 'drawer', via: 'printer-1', pin: 2 },
    ]);
    const job = await queuePrint(store.ctx, terminal.id, {
      kind: 'receipt',
      document: sampleReceipt(),
      openDrawer: true,
    });
    expect(await printer.waitForKicks(1, 3000)).toEqual([2]);
    const held = await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'held');
    expect(held.data.reason).toMatch(/out of paper/);
    await admin.waitFor('device.status', (d) => d.hardwareId === 'printer-1' && d.status === 'paper_out');
    expect(printer.prints).toHaveLength(0);

    printer.state = 'ok';
    await admin.waitFor('print.status', (d) => d.jobId === job.jobId && d.state === 'printed');
    const prints = await printer.waitForPrints(1);
    expect(prints).toHaveLength(1);
    // The job ends with Star's cut, which also starts printing on a StarPRNT set to page units.
    expect(prints[0]?.includes(Buffer.from([0x1b, 0x64, 0x01]))).toBe(true);
    expect(iconv.decode(prints[0] ?? Buffer.alloc(0), 'gb18030')).toContain('谢谢惠顾');
  });
});
