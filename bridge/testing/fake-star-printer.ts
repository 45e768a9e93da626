import type { Socket } from 'node:net';
import { etbCounterByte, STAR_STATUS_REQUEST } from '../receipt/star-status.js';
import { FakePrinter } from './fake-printer.js';

const ETB = 0x17;

/**
 * A Star printer in Star Line Mode or StarPRNT, on a random port, as Star's command
 * specifications describe it: ESC ACK SOH is answered at once with a nine-byte ASB frame (header
 * 0x23 0x86, offline and cover in byte 3, paper end in byte 6, the ETB counter in byte 8); a job
 * is printed when its closing ETB is read, which moves the counter on (and, with `asb`, sends the
 * frame unasked); out of paper or with the cover open nothing prints and the counter stays.
 * ESC BEL n1 n2 FS pulses drawer 1 at once, in any state; SUB (drawer 2) only while it can print.
 * `drop`: answers the status request, then closes the connection (0 bytes printed).
 */
export class FakeStarPrinter extends FakePrinter {
  /** Automatic Status Back: a frame is sent unasked after every ETB. */
  asb = false;
  /** The ETB counter (five bits). */
  etb = 0;

  /** The ASB frame for the current state. */
  frame(): Buffer {
    const paperOut = this.state === 'paper_out';
    const coverOpen = this.state === 'cover_open';
    const printer = (paperOut || coverOpen ? 0x08 : 0) | (coverOpen ? 0x20 : 0);
    return Buffer.from([0x23, 0x86, printer, 0, 0, paperOut ? 0x08 : 0, 0, etbCounterByte(this.etb), 0]);
  }

  protected override serve(socket: Socket): void {
    this.sockets.add(socket);
    let pending = Buffer.alloc(0);
    const received: Buffer[] = [];
    const answer = () => {
      if (this.state === 'silent') return;
      socket.write(this.frame());
      if (this.state === 'drop') socket.destroy();
    };
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.subarray(0, 3).equals(STAR_STATUS_REQUEST)) {
          pending = pending.subarray(3);
          answer();
        } else if (pending.length >= 5 && pending[0] === 0x1b && pending[1] === 0x07 && pending[4] === 0x1c) {
          this.kicks.push(2);
          pending = pending.subarray(5);
          this.wakeWaiters();
        } else if (pending.length === 1 && pending[0] === 0x1a) {
          if (this.state === 'ok') this.kicks.push(5);
          pending = pending.subarray(1);
          this.wakeWaiters();
        } else break;
      }
      // A status request written right behind the job may arrive in the same chunk.
      let asked = 0;
      while (pending.length > 3 && pending.subarray(-3).equals(STAR_STATUS_REQUEST)) {
        pending = pending.subarray(0, -3);
        asked++;
      }
      if (pending.at(-1) === ETB) {
        if (this.state === 'ok') {
          received.push(pending.subarray(0, -1));
          this.etb = (this.etb + 1) % 32;
          if (this.asb) socket.write(this.frame());
        }
        pending = Buffer.alloc(0);
      }
      for (let i = 0; i < asked; i++) answer();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      const bytes = Buffer.concat(received);
      if (bytes.length > 0) {
        this.prints.push(bytes);
        this.wakeWaiters();
      }
    });
  }
}
