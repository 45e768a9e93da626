import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { type ExchangeResult, type PaymentMethod, type Quote, quoteGoods } from '../../data/cart.js';
import { money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import type { LocalizeController } from '../../i18n/localize-controller.js';
import { tenderName } from './return-preview-view.js';

/** A new item of an exchange, by the barcode scanned. */
type NewItem = { barcode: string; qty: number };

/** What the customer pays (positive), gets back (negative) or neither, in the shop's words. */
export function settledText(i18n: LocalizeController, difference: number): string {
  if (difference > 0) return i18n.t('tillReturn.payMore', { amount: money(difference) });
  if (difference < 0) return i18n.t('tillReturn.getBack', { amount: money(-difference) });
  return i18n.t('tillReturn.even');
}

/** The notice of an exchange kept: its return and new sale, and how the difference was settled. */
export function exchangedText(i18n: LocalizeController, done: ExchangeResult): string {
  const numbers = i18n.t('tillReturn.exchanged', {
    returnNumber: done.return.number,
    saleNumber: done.sale.number,
  });
  return `${numbers} · ${settledText(i18n, done.difference)}`;
}

/** The rows of the difference and the tender (also the return dialog's refund tender). */
export const exchangeGoodsStyles = css`
  .row {
    display: flex;
    /* Also on a label, which the controls' styles stack: the tender sits beside its name. */
    flex-direction: row;
    gap: 0.75em;
    align-items: center;
    flex-wrap: wrap;
  }
  .difference {
    font-size: 1.2em;
    font-weight: 700;
  }
`;

/**
 * The new goods of a 换货, with a receipt or without: scanned or typed, priced by the server
 * (for the member of the sale they replace, if any), set against what the goods back are worth,
 * and the tender the customer pays a difference with.
 */
export class ExchangeGoods implements ReactiveController {
  items: NewItem[] = [];
  quote: Quote | null = null;
  /** How the customer pays the difference when the new goods cost more. */
  payBy: PaymentMethod = 'cash';
  private code = '';
  private readonly host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  reset(): void {
    this.items = [];
    this.quote = null;
    this.payBy = 'cash';
    this.code = '';
    this.host.requestUpdate();
  }

  /** New goods − what the goods back are worth; null until both are known. */
  difference(returned: number | null): number | null {
    return this.quote && returned !== null ? this.quote.total - returned : null;
  }

  /** One more of the item scanned or typed, priced again with the rest; throws what the server said. */
  async add(auth: ApiAuth, code: string, memberId: string | null): Promise<void> {
    const barcode = code.trim();
    if (!barcode) return;
    const had = this.items.find((item) => item.barcode === barcode);
    const items = had
      ? this.items.map((item) => (item === had ? { ...item, qty: item.qty + 1 } : item))
      : [...this.items, { barcode, qty: 1 }];
    this.quote = await quoteGoods(auth, items, memberId);
    this.items = items;
    this.host.requestUpdate();
  }

  /** The scan field and the new goods. */
  view(
    i18n: LocalizeController,
    options: {
      /** A code typed and entered: the dialog adds it (and shows what went wrong). */
      onCode: (code: string) => void;
      /** Enter on the empty field: the cashier is done scanning. */
      onDone?: () => void;
    },
  ) {
    const t = i18n.t.bind(i18n);
    const { quote } = this;
    const submit = (event: Event) => {
      event.preventDefault();
      const code = this.code;
      this.code = '';
      this.host.requestUpdate();
      if (code.trim()) options.onCode(code);
      else options.onDone?.();
    };
    return html`<strong>${t('tillReturn.newGoods')}</strong>
      <form class="find" @submit=${submit}>
        <input
          name="newBarcode"
          autocomplete="off"
          aria-label=${t('tillReturn.scanNew')}
          placeholder=${t('tillReturn.scanNew')}
          .value=${this.code}
          @input=${(e: Event) => {
            // Rendered with what was typed, so that clearing it after Enter is a change Lit makes.
            this.code = (e.target as HTMLInputElement).value;
            this.host.requestUpdate();
          }}
        />
        <button type="submit">${t('checkout.add')}</button>
      </form>
      ${
        quote
          ? html`<table>
              <tbody>
                ${quote.lines.map(
                  (line) => html`<tr data-new=${line.barcode}>
                    <td>${line.name} · ${line.color} / ${line.size}</td>
                    <td class="num">× ${line.qty}</td>
                    <td class="num">${money(line.total)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">${t('tillReturn.noNewGoods')}</p>`
      }`;
  }

  /**
   * What the goods back count for against the new goods (`returned`, null while nothing is
   * chosen to come back), the difference and, when the customer pays more, the tender.
   */
  settlement(i18n: LocalizeController, returned: number | null, payChoices: readonly PaymentMethod[]) {
    const t = i18n.t.bind(i18n);
    const { quote } = this;
    const difference = this.difference(returned);
    return html`${
      quote && returned !== null && difference !== null
        ? html`<div class="row">
              <span>${t('tillReturn.returnedValue', { amount: money(returned) })}</span>
              <span>${t('tillReturn.newValue', { amount: money(quote.total) })}</span>
              <span class="difference" data-difference=${difference}>${settledText(i18n, difference)}</span>
            </div>`
        : quote
          ? html`<p class="muted">${t('tillReturn.chooseLines')}</p>`
          : nothing
    }
      ${
        difference !== null && difference > 0
          ? html`<label class="row"
              >${t('tillReturn.payBy')}
              <select
                name="payBy"
                @change=${(e: Event) => {
                  this.payBy = (e.target as HTMLSelectElement).value as PaymentMethod;
                }}
              >
                ${payChoices.map(
                  (m) =>
                    html`<option value=${m} ?selected=${this.payBy === m}>${tenderName(i18n, m)}</option>`,
                )}
              </select></label
            >`
          : nothing
      }`;
  }
}
