import iconv from 'iconv-lite';

/** How a scanner's byte stream is cut into scans and cleaned up. */
export interface ScanFraming {
  framing: 'line' | 'idle';
  idleMs: number;
  /**
   * Line framing: bytes followed by no line end within this time are noise (a scanner sends a
   * whole code in a few milliseconds) and are dropped, not glued onto the next scan.
   */
  gapMs: number;
  /** Line framing: what ends a scan — Enter (CR, LF or CRLF) or Tab, as the scanner is set. */
  terminator: 'enter' | 'tab';
  /** What the scanner is set to send before and after each code: removed, and required when set. */
  prefix: string;
  suffix: string;
  /** Longer frames are dropped whole: no barcode is this long, so the line settings are wrong. */
  maxLength: number;
}

export const MAX_SCAN_LENGTH = 512;

/**
 * Cuts bytes into frames: at the terminator — CR or LF (CRLF counts once, empty lines vanish),
 * or Tab — or after an idle gap. A frame growing past `maxLength` is discarded up to its end and reported once.
 */
export class ScanFramer {
  private buffer: number[] = [];
  private discarding = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: ScanFraming,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onOverflow: (length: number) => void,
    private readonly onNoise: (length: number) => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    if (this.settings.framing === 'idle') {
      for (const byte of chunk) this.add(byte);
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.end();
      }, this.settings.idleMs);
      return;
    }
    const tab = this.settings.terminator === 'tab';
    for (const byte of chunk) {
      if (tab ? byte === 0x09 : byte === 0x0d || byte === 0x0a) this.end();
      else this.add(byte);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0 && this.discarding === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const length = this.buffer.length + this.discarding;
      this.buffer = [];
      this.discarding = 0;
      this.onNoise(length);
    }, this.settings.gapMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.buffer = [];
    this.discarding = 0;
  }

  private add(byte: number): void {
    if (this.discarding > 0) {
      this.discarding++;
      return;
    }
    this.buffer.push(byte);
    if (this.buffer.length > this.settings.maxLength) {
      this.discarding = this.buffer.length;
      this.buffer = [];
    }
  }

  private end(): void {
    if (this.discarding > 0) {
      const length = this.discarding;
      this.discarding = 0;
      this.onOverflow(length);
      return;
    }
    if (this.buffer.length === 0) return;
    const frame = Buffer.from(this.buffer);
    this.buffer = [];
    this.onFrame(frame);
  }
}

/** AIM symbology identifiers (ISO/IEC 15424) a scanner may put in front: "]E0" is EAN-13. */
const AIM: Record<string, string | ((modifier: string) => string)> = {
  A: 'code39',
  C: (m) => (m === '1' ? 'gs1-128' : 'code128'),
  d: 'datamatrix',
  E: (m) => (m === '4' ? 'ean8' : 'ean13'),
  e: 'gs1-databar',
  F: 'codabar',
  G: 'code93',
  I: 'itf',
  L: 'pdf417',
  Q: 'qr',
  z: 'aztec',
};

export type Decoded = { ok: true; code: string; symbology: string | null } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const GS = 0x1d;

/**
 * Bytes that are GBK/GB18030 text throughout: ASCII, or a lead byte 0x81–0xFE with a trail
 * byte 0x40–0xFE (not 0x7F). Scanners set to a Chinese code page send names this way.
 */
function isGbk(frame: Buffer): boolean {
  for (let i = 0; i < frame.length; i++) {
    const byte = frame[i] ?? 0;
    if (byte < 0x80) continue;
    const trail = frame[i + 1] ?? 0;
    if (byte === 0x80 || byte === 0xff || trail < 0x40 || trail === 0x7f || trail === 0xff) return false;
    i++;
  }
  return true;
}

/** A garbled line as the error names it: quoted, control characters escaped, at most 40 characters. */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Bytes that are not text, as the error names them: the first 16 in hex. */
function hex(frame: Buffer): string {
  const head = [...frame.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return frame.length > 16 ? `${head} …` : head;
}

/**
 * A frame to a code: UTF-8 (or GBK) text, prefix/suffix and AIM identifier removed, nothing
 * unprintable but the GS that separates a GS1 code's variable-length fields. A scanner set to
 * send a prefix or suffix sends it with every code, so a line without it was cut short or run
 * together with noise: refused, as every garbled line is, with the line itself in the reason.
 */
export function decodeScan(frame: Buffer, settings: Pick<ScanFraming, 'prefix' | 'suffix'>): Decoded {
  let text: string;
  try {
    text = utf8.decode(frame);
  } catch {
    if (isGbk(frame)) text = iconv.decode(frame, 'gb18030');
    else
      return {
        ok: false,
        reason: `unreadable scan (${frame.length} bytes that are not text: ${hex(frame)}) ignored — check the baud rate`,
      };
  }
  const line = text;
  if (settings.prefix) {
    if (!text.startsWith(settings.prefix)) {
      return {
        ok: false,
        reason: `scan ${shown(line)} ignored — it lacks the prefix ${shown(settings.prefix)} this scanner is set to send (a garbled or cut-short line, or the scanner's settings changed)`,
      };
    }
    text = text.slice(settings.prefix.length);
  }
  if (settings.suffix) {
    if (!text.endsWith(settings.suffix)) {
      return {
        ok: false,
        reason: `scan ${shown(line)} ignored — it lacks the suffix ${shown(settings.suffix)} this scanner is set to send (a garbled or cut-short line, or the scanner's settings changed)`,
      };
    }
    text = text.slice(0, -settings.suffix.length);
  }
  text = text.replace(/^[\t ]+|[\t ]+$/g, '');
  let symbology: string | null = null;
  const aim = /^\]([A-Za-z])([0-9A-Za-z])/.exec(text);
  if (aim) {
    const entry = AIM[aim[1] ?? ''];
    symbology = typeof entry === 'function' ? entry(aim[2] ?? '') : (entry ?? 'other');
    text = text.slice(3);
  }
  if ([...text].some((c) => /\p{Cc}/u.test(c) && c.charCodeAt(0) !== GS)) {
    return {
      ok: false,
      reason: `scan ${shown(line)} with control characters ignored — check the scanner's prefix/suffix and terminator settings`,
    };
  }
  if (text === '') return { ok: false, reason: `empty scan ${shown(line)} ignored` };
  return { ok: true, code: text, symbology };
}
