/** A terminal's shift and its X report, and the takings of a shift or a store day. Money in fen. */

export interface TakingsReport {
  /** `net`: the sales' total less the goods returned (`returns.amount`), as the sales reports count a day. */
  sales: { count: number; subtotal: number; discounts: number; total: number; net: number };
  voids: { count: number; total: number };
  /** `amount`: the returned goods' value; `refunds`: the money given back for them. */
  returns: { count: number; amount: number; refunds: number };
  /** Money taken per tender, net of cash change. */
  payments: Record<string, number>;
  /** Money given back per tender on returns. */
  refunds: Record<string, number>;
  /** Cash into the drawer from sales less cash refunds. */
  netCash: number;
}

export type CashEntryKind = 'cash_in' | 'paid_out';

export interface CashEntry {
  id: string;
  kind: CashEntryKind;
  amount: number;
  reason: string;
  staffId: string;
  at: string;
}

/** A shift with its X report: what the drawer should hold now (or held at the close). */
export interface ShiftReport {
  id: string;
  terminalId: string;
  status: 'open' | 'closed';
  openedBy: string;
  openedAt: string;
  openingFloat: number;
  closedBy: string | null;
  closedAt: string | null;
  takings: TakingsReport;
  cash: {
    float: number;
    netCash: number;
    cashIn: number;
    paidOut: number;
    /** float + cash from sales − cash refunds + cash in − paid out. */
    expected: number;
    counted: number | null;
    /** counted − expected: negative is a shortage. */
    variance: number | null;
  };
  entries: CashEntry[];
}

export interface DayReport {
  day: string;
  /** A chain store: its sales made offline that head office does not have yet, and those it refused (not in these figures). */
  stillOut?: { waiting: number; held: number };
  store: TakingsReport;
  terminals: { terminalId: string; name: string; takings: TakingsReport }[];
  shifts: {
    id: string;
    terminalId: string;
    openedAt: string;
    closedAt: string | null;
    variance: number | null;
  }[];
}
