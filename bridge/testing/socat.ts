import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A pair of linked pseudo-terminals made by socat: the bridge opens `a` as its device, the
 * test writes into `b` as if it were the scanner. Killing it is unplugging the cable.
 */
export class PtyPair {
  readonly a: string;
  readonly b: string;
  private child: ChildProcess | null = null;
  private far: SerialPort | null = null;

  constructor(dir: string, name = 'scanner') {
    this.a = join(dir, `${name}-a`);
    this.b = join(dir, `${name}-b`);
  }

  async start(): Promise<void> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], {
      stdio: 'ignore',
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(existsSync(this.a) && existsSync(this.b))) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error('socat did not make the pty pair');
      await sleep(20);
    }
  }

  /** The device's end, opened once and kept open. */
  private async farEnd(): Promise<SerialPort> {
    if (!this.far) {
      const far = new SerialPort({ path: this.b, baudRate: 9600, autoOpen: false });
      await new Promise<void>((resolve, reject) => far.open((error) => (error ? reject(error) : resolve())));
      this.far = far;
    }
    return this.far;
  }

  /** Writes bytes as the device would (the far end stays open between writes). */
  async write(bytes: Buffer | string): Promise<void> {
    const far = await this.farEnd();
    await new Promise<void>((resolve, reject) =>
      far.write(bytes, (error) => (error ? reject(error) : far.drain(() => resolve()))),
    );
  }

  /** Collects what the bridge writes to the device (a display, a printer); the bytes so far. */
  async listen(): Promise<() => Buffer> {
    const far = await this.farEnd();
    const chunks: Buffer[] = [];
    far.on('data', (chunk: Buffer) => chunks.push(chunk));
    return () => Buffer.concat(chunks);
  }

  /** Ends socat and waits until it is gone (the links vanish with it). */
  async stop(): Promise<void> {
    const far = this.far;
    this.far = null;
    if (far?.isOpen) await new Promise<void>((resolve) => far.close(() => resolve()));
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    const deadline = Date.now() + 5000;
    while ((existsSync(this.a) || existsSync(this.b)) && Date.now() < deadline) await sleep(20);
  }
}
