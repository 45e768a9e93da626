import type { AppContext } from '../../context.js';
import type { CartView } from '../../protocol/cart.js';
import type { StoreEvent } from '../../protocol/events.js';
import type { Worker } from '../feature.js';
import { showOnPole } from './printing.js';

/** What the driver remembers of one terminal: its cart's quantities by line, and a sale just paid. */
interface TerminalState {
  quantities: Map<string, number>;
  paid: boolean;
}

/**
 * Drives the pole display of every checkout terminal from its cart and payment: the line just
 * scanned with its price and the total, the total after any other change, the paid amount
 * and the change once the sale is paid (the bridge brings the greeting back after a while).
 * It listens to the bus, so the display follows whatever changed the cart, after the commit.
 */
export class PoleDriver implements Worker {
  private readonly terminals = new Map<string, TerminalState>();
  private unlisten: (() => void) | null = null;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    if (this.unlisten) return;
    this.unlisten = this.ctx.bus.listen((event) => this.onEvent(event));
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = null;
    this.terminals.clear();
  }

  private onEvent(event: StoreEvent): void {
    if (event.storeId !== this.ctx.store.id) return;
    if (event.type === 'cart.changed') {
      this.cartChanged(event.data.terminalId, event.data.cart);
    } else if (event.type === 'cart.completed') {
      const { terminalId, total, change } = event.data;
      this.terminals.set(terminalId, { quantities: new Map(), paid: true });
      showOnPole(this.ctx, terminalId, { kind: 'paid', paid: total + change, change });
    }
  }

  private cartChanged(terminalId: string, cart: CartView): void {
    // A held cart leaves the till; the cart that takes over is announced on its own.
    if (cart.status !== 'active') return;
    const before = this.terminals.get(terminalId);
    const quantities = new Map(cart.lines.map((line) => [line.lineId, line.qty]));
    this.terminals.set(terminalId, { quantities, paid: (before?.paid ?? false) && quantities.size === 0 });
    if (quantities.size === 0) {
      // The empty cart after a sale keeps the change on show; a cart emptied by hand greets.
      if (!before?.paid) showOnPole(this.ctx, terminalId, { kind: 'idle' });
      return;
    }
    const quote = cart.quote;
    if (!quote) return;
    const scanned = quote.lines.findLast((line) => line.qty > (before?.quantities.get(line.lineId) ?? 0));
    if (!scanned) {
      showOnPole(this.ctx, terminalId, { kind: 'total', total: quote.total });
      return;
    }
    showOnPole(this.ctx, terminalId, {
      kind: 'item',
      name: scanned.name,
      code: scanned.styleCode,
      price: scanned.unitPrice,
      quantity: scanned.qty,
      total: quote.total,
    });
  }
}
