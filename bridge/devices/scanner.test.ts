import iconv from 'iconv-lite';
import { SerialPortMock } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeBus, type BridgeEvents } from '../bus.js';
import { quietLog } from '../testing/fixtures.js';
import { type PortFactory, SerialLink } from '../transports/serial.js';
import { decodeScan, MAX_SCAN_LENGTH } from './scan-framing.js';
import { Scanner, type ScannerSettings } from './scanner.js';

const PATH = '/dev/ttyMOCK0';
/** The mock binding SerialPortMock itself uses (the ESM import of @serialport/binding-mock is another instance). */
const MockBinding = SerialPortMock.binding;
const mockPorts: PortFactory = ({ path, baudRate }) =>
  new SerialPortMock({ path, baudRate, autoOpen: false });

const settings = (over: Partial<ScannerSettings> = {}): ScannerSettings => ({
  framing: 'line',
  idleMs: 40,
  gapMs: 100,
  terminator: 'enter',
  prefix: '',
  suffix: '',
  maxLength: MAX_SCAN_LENGTH,
  debounceMs: 500,
  ...over,
});

interface Rig {
  bus: BridgeBus;
  scans: BridgeEvents['scan'][];
  statuses: BridgeEvents['device.status'][];
  scanner: Scanner;
  link: SerialLink;
  clock: { now: number };
  /** Bytes as if the scanner sent them. */
  send(data: Buffer | string): void;
}

async function rig(over: Partial<ScannerSettings> = {}, path = PATH): Promise<Rig> {
  const bus = new BridgeBus();
  const scans: Rig['scans'] = [];
  const statuses: Rig['statuses'] = [];
  bus.on('scan', (scan) => scans.push(scan));
  bus.on('device.status', (status) => statuses.push(status));
  const ports: PortFactory = (options) => {
    const port = mockPorts(options);
    opened.push(port as SerialPortMock);
    return port;
  };
  const opened: SerialPortMock[] = [];
  const link = new SerialLink(path, 9600, ports, 50);
  const clock = { now: 1_000_000 };
  const scanner = new Scanner('scanner-1', link, settings(over), bus, quietLog, () => clock.now);
  scanner.start();
  await until(() => statuses.length > 0);
  current = {
    bus,
    scans,
    statuses,
    scanner,
    link,
    clock,
    send: (data) => opened.at(-1)?.port?.emitData(data),
  };
  return current;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let current: Rig | null = null;
beforeEach(() => {
  MockBinding.reset();
  MockBinding.createPort(PATH, { echo: false, record: false });
});
afterEach(async () => {
  await current?.scanner.stop();
  current = null;
});

describe('scanner over a serial port (binding-mock)', () => {
  it('frames scans at CR, LF or CRLF and reports itself online', async () => {
    const r = await rig({ debounceMs: 0 });
    expect(r.statuses[0]).toEqual({ hardwareId: 'scanner-1', status: 'online' });
    r.send('6901234567892\r\n2000000012');
    r.send('345\r');
    r.send('\nABC-1\n');
    await until(() => r.scans.length === 3);
    expect(r.scans.map((s) => s.code)).toEqual(['6901234567892', '2000000012345', 'ABC-1']);
  });

  it('strips prefix, suffix and AIM identifiers, naming the symbology', async () => {
    const r = await rig({ prefix: '\u0002', suffix: '#', debounceMs: 0 });
    r.send('\u0002]E06901234567892#\r\n');
    r.send('\u0002]Q1https://shop.example/r/42#\r\n');
    r.send('\u0002]E401234565#\r\n');
    await until(() => r.scans.length === 3);
    expect(r.scans).toEqual([
      { hardwareId: 'scanner-1', code: '6901234567892', symbology: 'ean13' },
      { hardwareId: 'scanner-1', code: 'https://shop.example/r/42', symbology: 'qr' },
      { hardwareId: 'scanner-1', code: '01234565', symbology: 'ean8' },
    ]);
  });

  it('refuses a line without the prefix or suffix the scanner is set to send, naming the line', async () => {
    const r = await rig({ prefix: 'S:', suffix: '#', debounceMs: 0 });
    r.send('012345678#\r\n');
    await until(() => r.statuses.some((s) => s.status === 'error'));
    expect(r.statuses.at(-1)?.reason).toMatch(/scan "012345678#" ignored — it lacks the prefix "S:"/);
    r.send('S:6901234567\r\n');
    await until(() => (r.statuses.at(-1)?.reason ?? '').includes('"S:6901234567"'));
    expect(r.statuses.at(-1)?.reason).toMatch(/lacks the suffix "#"/);
    r.send('S:6901234567892#\r\n');
    await until(() => r.scans.length === 1);
    expect(r.scans).toEqual([{ hardwareId: 'scanner-1', code: '6901234567892', symbology: null }]);
    expect(r.statuses.at(-1)?.status).toBe('online');
  });

  it('ends scans at Tab when the scanner is set to, and names a garbled line with its control characters', async () => {
    const r = await rig({ terminator: 'tab', debounceMs: 0 });
    r.send('6901234567892\t2000000000275\t');
    await until(() => r.scans.length === 2);
    expect(r.scans.map((s) => s.code)).toEqual(['6901234567892', '2000000000275']);
    // Set to Tab, a CR is not an end: the line with it inside is garbled, and named.
    r.send('69012\r34567892\t');
    await until(() => r.statuses.some((s) => s.status === 'error'));
    expect(r.statuses.at(-1)?.reason).toContain('scan "69012\\r34567892" with control characters ignored');
  });

  it('frames by an idle gap when the scanner sends no line end', async () => {
    const r = await rig({ framing: 'idle', idleMs: 30, debounceMs: 0 });
    r.send('69012');
    r.send('34567892');
    await until(() => r.scans.length === 1);
    expect(r.scans[0]?.code).toBe('6901234567892');
  });

  it('drops noise that no line end follows instead of gluing it onto the next scan', async () => {
    const r = await rig({ debounceMs: 0, gapMs: 50 });
    r.send('x#');
    await until(() => r.statuses.some((s) => s.status === 'error'));
    expect(r.statuses.at(-1)?.reason).toMatch(/2 characters without a line ending/);
    r.send('2000000000275\r\n');
    await until(() => r.scans.length === 1);
    expect(r.scans[0]?.code).toBe('2000000000275');
  });

  it('accepts a GS1 code with GS separators and a scanner that sends GBK', async () => {
    const r = await rig({ debounceMs: 0 });
    const gs1 = '0106901234567892\u001d10LOT42\u001d17271231';
    r.send(`]C1${gs1}\r\n`);
    r.send(Buffer.concat([iconv.encode('会员码123', 'gbk'), Buffer.from('\r\n')]));
    await until(() => r.scans.length === 2);
    expect(r.scans).toEqual([
      { hardwareId: 'scanner-1', code: gs1, symbology: 'gs1-128' },
      { hardwareId: 'scanner-1', code: '会员码123', symbology: null },
    ]);
  });

  it('counts a double read within the debounce time once, and a later one again', async () => {
    const r = await rig({ debounceMs: 500 });
    r.send('6901234567892\r\n6901234567892\r\n');
    await until(() => r.scans.length === 1);
    r.clock.now += 600;
    r.send('6901234567892\r\n');
    await until(() => r.scans.length === 2);
    expect(r.scans).toHaveLength(2);
  });

  it('reports garbage bytes and a 5,000-character line as errors, then scans on', async () => {
    const r = await rig({ debounceMs: 0 });
    r.send(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0d]));
    await until(() => r.statuses.some((s) => s.status === 'error'));
    expect(r.statuses.at(-1)?.reason).toMatch(/not text: ff fe 00 81\).*baud rate/);
    r.send(`${'9'.repeat(5000)}\r\n`);
    await until(() => r.statuses.at(-1)?.reason?.includes('5000-character') ?? false);
    r.send('6901234567892\r\n');
    await until(() => r.scans.length === 1);
    expect(r.scans[0]?.code).toBe('6901234567892');
    expect(r.statuses.at(-1)?.status).toBe('online');
  });

  it('reports a port that does not exist as offline with a reason, and keeps trying', async () => {
    const r = await rig({}, '/dev/ttyDOESNOTEXIST');
    expect(r.statuses[0]?.status).toBe('offline');
    expect(r.statuses[0]?.reason).toMatch(/\/dev\/ttyDOESNOTEXIST/);
    MockBinding.createPort('/dev/ttyDOESNOTEXIST', { echo: false, record: false });
    await until(() => r.statuses.at(-1)?.status === 'online');
  });
});

describe('decoding a frame', () => {
  it('refuses control characters and empty scans', () => {
    expect(decodeScan(Buffer.from('AB\u0007C'), { prefix: '', suffix: '' }).ok).toBe(false);
    expect(decodeScan(Buffer.from('   '), { prefix: '', suffix: '' }).ok).toBe(false);
    expect(decodeScan(Buffer.from('会员码123'), { prefix: '', suffix: '' })).toEqual({
      ok: true,
      code: '会员码123',
      symbology: null,
    });
  });
});
