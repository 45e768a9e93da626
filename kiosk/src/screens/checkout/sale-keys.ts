import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { deepActiveElement, isEditable } from '../../components/hg-scan-input.js';

/**
 * The shortcuts, shown on their buttons. F5, F11 and F12 stay the browser's. The counter's
 * other tasks take Alt and a letter, by the key's place (so an input method does not matter).
 */
export const KEYS = {
  find: 'F1',
  member: 'F2',
  hold: 'F3',
  recall: 'F4',
  return: 'F6',
  exchange: 'Alt+E',
  shift: 'F7',
  training: 'F8',
  clear: 'F9',
  pay: 'F10',
  reprint: 'Alt+P',
  topUp: 'Alt+C',
  cash: 'Alt+M',
  drawer: 'Alt+D',
} as const;
export type Action = keyof typeof KEYS;

/** What can be open over the sale. */
export type SaleDialog =
  | 'none'
  | 'pay'
  | 'held'
  | 'return'
  | 'exchange'
  | 'shift'
  | 'line'
  | 'approval'
  | 'paid'
  | 'find'
  | 'topUp'
  | 'cash'
  | 'receiptless'
  | 'receiptlessExchange';

/** The key as `KEYS` names it: `F7`, or `Alt+P` for Alt and the P key. */
export function keyName(event: KeyboardEvent): string {
  return event.altKey && /^Key[A-Z]$/.test(event.code) ? `Alt+${event.code.slice(3)}` : event.key;
}

/** What the keys act on: the sale element answers for its dialog, its lines and its actions. */
export interface SaleKeysTarget {
  dialog(): SaleDialog;
  /** The cart's lines in order, and the one selected. */
  lines(): readonly { lineId: string; qty: number }[];
  selected(): string | null;
  select(lineId: string): void;
  setQty(lineId: string, qty: number): void;
  remove(lineId: string): void;
  act(action: Action): void;
  close(): void;
}

/**
 * The till's keyboard, page-wide while the sale is on screen: an F-key does its action (and
 * also dismisses the receipt of the last sale), Enter or Esc closes what is open (never the
 * manager's approval, which answers for itself), and with nothing open the arrows, +, − and
 * Delete work on the selected line — unless the cashier is typing in a field other than the
 * scan field.
 */
export class SaleKeysController implements ReactiveController {
  private readonly target: SaleKeysTarget;
  private readonly onKey = (event: KeyboardEvent): void => this.key(event);

  constructor(host: ReactiveControllerHost, target: SaleKeysTarget) {
    this.target = target;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  private key(event: KeyboardEvent): void {
    const target = this.target;
    const dialog = target.dialog();
    const name = keyName(event);
    const action = (Object.keys(KEYS) as Action[]).find((key) => KEYS[key] === name);
    if (action) {
      event.preventDefault();
      if (dialog === 'none' || (dialog === 'paid' && action !== 'pay')) {
        if (dialog === 'paid') target.close();
        target.act(action);
      }
      return;
    }
    if (dialog === 'paid' && event.key === 'Enter') {
      event.preventDefault();
      target.close();
      return;
    }
    if (dialog !== 'none') {
      if (event.key === 'Escape' && dialog !== 'approval') target.close();
      return;
    }
    this.lineKey(event);
  }

  /** Keys on the selected line, when no field is being typed into. */
  private lineKey(event: KeyboardEvent): void {
    const active = deepActiveElement();
    const scanField =
      active?.getRootNode() instanceof ShadowRoot &&
      (active.getRootNode() as ShadowRoot).host.localName === 'hg-scan-input';
    if (isEditable(active) && !scanField) return;
    const lines = this.target.lines();
    const index = lines.findIndex((line) => line.lineId === this.target.selected());
    const line = lines[index];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next =
        lines[Math.max(0, Math.min(lines.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))];
      if (next) this.target.select(next.lineId);
      event.preventDefault();
    } else if (line && (event.key === '+' || event.key === '=')) {
      event.preventDefault();
      this.target.setQty(line.lineId, line.qty + 1);
    } else if (line && event.key === '-') {
      event.preventDefault();
      this.target.setQty(line.lineId, line.qty - 1);
    } else if (line && event.key === 'Delete') {
      event.preventDefault();
      this.target.remove(line.lineId);
    }
  }
}
