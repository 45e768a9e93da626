import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { PaymentProvider } from '../../../protocol/payments.js';

/** A trade as the simulated provider keeps it. */
export interface SimTrade {
  provider: PaymentProvider;
  outTradeNo: string;
  amount: number;
  /** The last digit of the customer's code: the behaviour API.md lists. */
  behaviour: string;
  state: 'USERPAYING' | 'SUCCESS' | 'REFUSED' | 'CLOSED' | 'REVOKED';
  transactionId: string;
  queries: number;
  /** Fen given back by a reverse/cancel of a paid trade. */
  reversedPaid: number;
  createdAt: string;
  paidAt: string | null;
  /** A QR order's code URL (WeChat Native, Alipay precreate); absent for a scanned 付款码. */
  qrUrl?: string;
  /** Whether a customer scanned the QR order: Alipay knows the trade only from then on. */
  scanned?: boolean;
}

/** A refund as the simulated provider keeps it: one per out_refund_no. */
export interface SimRefund {
  provider: PaymentProvider;
  outRefundNo: string;
  outTradeNo: string;
  amount: number;
  state: 'PROCESSING' | 'SUCCESS';
  refundId: string;
  createdAt: string;
  /** When a PROCESSING refund became SUCCESS (the statement of its day shows it as it was then). */
  succeededAt?: string;
}

interface RecordFile {
  trades: Record<string, SimTrade>;
  refunds: Record<string, SimRefund>;
  /** The controllable clock: how far the simulator's time runs ahead of the machine's. */
  clockOffsetMs: number;
}

/**
 * The simulator's books in `<dir>/records.json`, written and fsynced before it answers, so a
 * crash of the shop's server (and of the simulator with it) forgets nothing the "provider" did.
 */
export class SimulatorRecords {
  private readonly file: string;
  private data: RecordFile;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'records.json');
    this.data = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as RecordFile)
      : { trades: {}, refunds: {}, clockOffsetMs: 0 };
  }

  now(): Date {
    return new Date(Date.now() + this.data.clockOffsetMs);
  }

  advance(ms: number): void {
    this.data.clockOffsetMs += ms;
    this.save();
  }

  trade(provider: PaymentProvider, outTradeNo: string): SimTrade | undefined {
    return this.data.trades[`${provider}:${outTradeNo}`];
  }

  putTrade(trade: SimTrade): void {
    this.data.trades[`${trade.provider}:${trade.outTradeNo}`] = trade;
    this.save();
  }

  /** The QR order a code URL belongs to. */
  tradeOfQr(qrUrl: string): SimTrade | undefined {
    return Object.values(this.data.trades).find((t) => t.qrUrl === qrUrl);
  }

  refund(provider: PaymentProvider, outRefundNo: string): SimRefund | undefined {
    return this.data.refunds[`${provider}:${outRefundNo}`];
  }

  refundsOf(provider: PaymentProvider, outTradeNo: string): SimRefund[] {
    return Object.values(this.data.refunds).filter(
      (r) => r.provider === provider && r.outTradeNo === outTradeNo,
    );
  }

  putRefund(refund: SimRefund): void {
    this.data.refunds[`${refund.provider}:${refund.outRefundNo}`] = refund;
    this.save();
  }

  /** Everything, for a test or the owner comparing the provider's side with the store's. */
  all(): { trades: SimTrade[]; refunds: SimRefund[] } {
    return { trades: Object.values(this.data.trades), refunds: Object.values(this.data.refunds) };
  }

  /** Write, fsync, rename: the file is either the old books or the new ones, never half. */
  private save(): void {
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
  }
}
