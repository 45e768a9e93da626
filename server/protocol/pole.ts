/** What a 2×20 pole display shows; the bridge lays it out for the display's command set. Money in fen. */
export type PoleView =
  | { kind: 'idle'; text?: string }
  | { kind: 'item'; name: string; price: number; quantity?: number }
  | { kind: 'total'; total: number }
  | { kind: 'paid'; paid: number; change: number };
