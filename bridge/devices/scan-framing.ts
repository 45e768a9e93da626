/** How a scanner's byte stream is cut into scans and cleaned up. */
export interface ScanFraming {
  framing: 'line' | 'idle';
  idleMs: number;
  prefix: string;
  suffix: string;
  /** Longer frames are dropped whole: no barcode is this long, so the line settings are wrong. */
  maxLength: number;
}

export const MAX_SCAN_LENGTH = 512;

/**
 * Cuts bytes into frames: at CR or LF (CRLF counts once, empty lines vanish) or after an idle
 * gap. A frame growing past `maxLength` is discarded up to its end and reported once.
 */
export class ScanFramer {
  private buffer: number[] = [];
  private discarding = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: ScanFraming,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onOverflow: (length: number) => void,
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
    for (const byte of chunk) {
      if (byte === 0x0d || byte === 0x0a) this.end();
      else this.add(byte);
    }
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

/** A frame to a code: UTF-8 text, prefix/suffix and AIM identifier removed, nothing unprintable. */
export function decodeScan(frame: Buffer, settings: Pick<ScanFraming, 'prefix' | 'suffix'>): Decoded {
  let text: string;
  try {
    text = utf8.decode(frame);
  } catch {
    return {
      ok: false,
      reason: `unreadable scan (${frame.length} bytes that are not text) ignored — check the baud rate`,
    };
  }
  if (settings.prefix && text.startsWith(settings.prefix)) text = text.slice(settings.prefix.length);
  if (settings.suffix && text.endsWith(settings.suffix)) text = text.slice(0, -settings.suffix.length);
  text = text.replace(/^[\t ]+|[\t ]+$/g, '');
  let symbology: string | null = null;
  const aim = /^\]([A-Za-z])([0-9A-Za-z])/.exec(text);
  if (aim) {
    const entry = AIM[aim[1] ?? ''];
    symbology = typeof entry === 'function' ? entry(aim[2] ?? '') : (entry ?? 'other');
    text = text.slice(3);
  }
  if (/\p{Cc}/u.test(text)) {
    return {
      ok: false,
      reason: "scan with control characters ignored — check the scanner's prefix/suffix settings",
    };
  }
  if (text === '') return { ok: false, reason: 'empty scan ignored' };
  return { ok: true, code: text, symbology };
}
