import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { PrintQueue } from './print-queue.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hanger-queue-'));
  file = join(dir, 'bridge-print-queue.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const job = (jobId: string): PrintJob => ({
  jobId,
  terminalId: 't1',
  reprint: false,
  kind: 'receipt',
  document: sampleReceipt(),
  openDrawer: true,
});

describe('the persistent print queue', () => {
  it('keeps jobs across a restart, in order, and refuses a job id it has seen', () => {
    const queue = new PrintQueue(file);
    queue.load();
    expect(queue.add(job('a'))).not.toBeNull();
    expect(queue.add(job('b'))).not.toBeNull();
    expect(queue.add(job('a'))).toBeNull();
    queue.update('a', { state: 'printed' });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = new PrintQueue(file);
    again.load();
    expect(again.pending().map((e) => e.key)).toEqual(['b']);
    expect(again.add(job('a'))).toBeNull();
  });

  it('never prints a job again by itself that was printing when the bridge stopped', () => {
    const queue = new PrintQueue(file);
    queue.load();
    queue.add(job('a'));
    queue.update('a', { state: 'printing', attempts: 1 });

    const again = new PrintQueue(file);
    const { interrupted } = again.load();
    expect(interrupted.map((e) => e.key)).toEqual(['a']);
    expect(again.pending()).toHaveLength(0);
    expect(again.all()[0]).toMatchObject({ state: 'unknown', reason: expect.stringContaining('reprint') });
    const copy = again.reprint('a');
    expect(copy).toMatchObject({ key: 'a~reprint-1', job: { reprint: true }, state: 'queued' });
  });

  it('sets an unreadable file aside instead of failing to start', () => {
    writeFileSync(file, '{not json');
    const queue = new PrintQueue(file, () => new Date(1000));
    const { unreadable } = queue.load();
    expect(unreadable).toContain('unreadable-1000');
    expect(readFileSync(`${file}.unreadable-1000`, 'utf8')).toBe('{not json');
    expect(queue.add(job('a'))).not.toBeNull();
  });
});
