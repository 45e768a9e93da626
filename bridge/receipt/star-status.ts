import type { PrinterCondition } from './escpos.js';

/**
 * Star's status, the same in Star Line Mode and StarPRNT ("Appendix 2: Automatic Status" of both
 * command specifications). The printer answers ESC ACK SOH at once — a real-time command, read
 * as it arrives and not from the receive buffer — and, with Automatic Status Back (ASB) on,
 * sends the same frame by itself whenever its state changes and after each ETB. ESC ACK SOH is
 * answered whether ASB is on or off, so the bridge asks and takes whichever frame comes: every
 * frame says the printer's state now.
 */
export const STAR_STATUS_REQUEST = Buffer.from([0x1b, 0x06, 0x01]);

/**
 * ETB: once everything sent before it has printed (the motor stopped), the printer adds one to
 * its five-bit ETB counter (status byte 8) and, with ASB on, sends its status. A job followed by
 * ETB is on paper when the counter has moved on by one.
 */
export const STAR_ETB = Buffer.from([0x17]);

/** What one ASB frame says: the condition, and the ETB counter when the frame carries it. */
export interface StarStatus {
  condition: PrinterCondition;
  etb: number | null;
}

/**
 * Header 1 has bit 0 set and bits 4 and 7 clear; every other status byte has bit 0 clear, so a
 * frame's start is unambiguous. XON (0x11) and XOFF (0x13), which a serial printer may mix into
 * the status, have bit 4 set.
 */
const isHeader = (byte: number): boolean => (byte & 0x91) === 0x01;
const isFlowControl = (byte: number): boolean => byte === 0x11 || byte === 0x13;

/** The frame's whole length, header included, from header 1's bits 1–3 and 5 (0x23: nine bytes). */
export function frameLength(header: number): number {
  return ((header >> 1) & 0x07) | ((header >> 2) & 0x08);
}

/**
 * The ETB counter from status byte 8: counter bits 0–2 in bits 1–3, bits 3–4 in bits 5–6.
 */
export function readEtbCounter(byte: number): number {
  return ((byte >> 1) & 0x07) | (((byte >> 5) & 0x03) << 3);
}

/** The ETB counter byte that says `count` (0–31): the inverse of `readEtbCounter`. */
export function etbCounterByte(count: number): number {
  return ((count & 0x07) << 1) | (((count >> 3) & 0x03) << 5);
}

/**
 * The status bytes (third on) as a condition. Byte 3: bit 3 offline, bit 5 cover open. Byte 4:
 * bit 2 mechanical error, bit 3 cutter error, bit 5 unrecoverable error, bit 6 head too hot.
 * Byte 6: bit 2 paper near end, bit 3 paper end. A printer offline for none of the causes named
 * (its offline switch) cannot print either, which counts as an error here.
 */
function readFrame(frame: Buffer): StarStatus {
  const printer = frame[2] ?? 0;
  const errors = frame[3] ?? 0;
  const sensors = frame[5] ?? 0;
  const coverOpen = (printer & 0x20) !== 0;
  const paperOut = (sensors & 0x08) !== 0;
  const offline = (printer & 0x08) !== 0;
  return {
    condition: {
      coverOpen,
      paperOut,
      paperLow: (sensors & 0x04) !== 0,
      error: (errors & 0x6c) !== 0 || (offline && !coverOpen && !paperOut),
    },
    etb: frame.length >= 8 ? readEtbCounter(frame[7] ?? 0) : null,
  };
}

/**
 * Takes complete ASB frames off the front of what the printer sent. Returns the frames read and
 * what is left (a frame not yet complete, to be read on with the next chunk).
 */
export function takeFrames(received: Buffer): { frames: StarStatus[]; rest: Buffer } {
  const frames: StarStatus[] = [];
  const bytes = [...received].filter((byte) => !isFlowControl(byte));
  let at = 0;
  while (at < bytes.length) {
    const header = bytes[at] ?? 0;
    if (!isHeader(header)) {
      at++;
      continue;
    }
    const length = frameLength(header);
    // A frame shorter than its two headers and three status bytes is not one Star sends.
    if (length < 7) {
      at++;
      continue;
    }
    if (at + length > bytes.length) break;
    frames.push(readFrame(Buffer.from(bytes.slice(at, at + length))));
    at += length;
  }
  return { frames, rest: Buffer.from(bytes.slice(at)) };
}
