import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A 收钱吧 terminal as the simulated 收钱吧 keeps it. */
interface SimTerminal {
  key: string;
  /** The key before the last check-in: 收钱吧 documents that the current and the last key are valid. */
  previousKey: string | null;
  deviceId: string;
  /** When the current key was given (ms, the simulator's clock). */
  keySince?: number;
}

interface TerminalFile {
  terminals: Record<string, SimTerminal>;
  /** Activation codes given out and not yet used: each activates one terminal, once. */
  codes: string[];
}

/**
 * The simulated 收钱吧's terminals in `<dir>/upay-terminals.json`: the one of keys.json (an
 * activated terminal an owner may type in), those activated since with a one-time 激活码, and
 * each one's current and previous key. Written before it answers, as its records are.
 */
export class SimulatorTerminals {
  private readonly file: string;
  private data: TerminalFile;

  /**
   * Tests: how long a key may sign payments before it must be checked in, in hours, as 收钱吧's
   * older documents said (48 h, since struck out); a check-in still takes it. Null: no limit.
   */
  keyHours: number | null = null;

  constructor(
    dir: string,
    first: { terminalSn: string; terminalKey: string },
    private readonly now: () => Date,
  ) {
    this.file = join(dir, 'upay-terminals.json');
    this.data = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as TerminalFile)
      : {
          terminals: { [first.terminalSn]: { key: first.terminalKey, previousKey: null, deviceId: '' } },
          codes: [],
        };
  }

  /** A new 激活码, as the owner makes one in the 收钱吧 back office (8 digits, as its are). */
  newCode(): string {
    const code = String(10_000_000 + (randomBytes(4).readUInt32BE(0) % 90_000_000));
    this.data.codes.push(code);
    this.save();
    return code;
  }

  /** A code used once is gone: the terminal it made, or null for a code never given or used before. */
  activate(code: string, deviceId: string): { terminalSn: string; terminalKey: string } | null {
    if (!this.data.codes.includes(code)) return null;
    this.data.codes = this.data.codes.filter((c) => c !== code);
    const terminalSn = `100${randomBytes(6).readUIntBE(0, 6)}`;
    const terminalKey = randomBytes(16).toString('hex');
    this.data.terminals[terminalSn] = {
      key: terminalKey,
      previousKey: null,
      deviceId,
      keySince: this.now().getTime(),
    };
    this.save();
    return { terminalSn, terminalKey };
  }

  /**
   * Whether `sign` is MD5(body + key) of the terminal's current or previous key; for a payment
   * (not a check-in), also that the key is not older than `keyHours`.
   */
  verifies(terminalSn: string, sign: (key: string) => string, given: string, checkIn: boolean): boolean {
    const terminal = this.data.terminals[terminalSn];
    if (!terminal) return false;
    const signed = [terminal.key, terminal.previousKey].some((key) => key !== null && sign(key) === given);
    if (!signed || checkIn || this.keyHours === null) return signed;
    return this.now().getTime() - (terminal.keySince ?? 0) <= this.keyHours * 3600_000;
  }

  /** Check-in: a new key; the one it replaces stays valid until the next check-in, the one before is refused. */
  checkIn(terminalSn: string): string | null {
    const terminal = this.data.terminals[terminalSn];
    if (!terminal) return null;
    terminal.previousKey = terminal.key;
    terminal.key = randomBytes(16).toString('hex');
    terminal.keySince = this.now().getTime();
    this.save();
    return terminal.key;
  }

  /** The terminal's current key (tests compare it with the one the server keeps). */
  keyOf(terminalSn: string): string | undefined {
    return this.data.terminals[terminalSn]?.key;
  }

  private save(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
