/** What a 2×20 pole display shows; the bridge lays it out for the display's command set. Money in fen. */
export type PoleView =
  | { kind: 'idle'; text?: string }
  /**
   * The line just scanned: its name, unit price and quantity, and the cart's total now. `code`
   * (the style code) stands in for a name a display without Chinese cannot spell.
   */
  | { kind: 'item'; name: string; code?: string; price: number; quantity?: number; total: number }
  | { kind: 'total'; total: number }
  | { kind: 'paid'; paid: number; change: number };
