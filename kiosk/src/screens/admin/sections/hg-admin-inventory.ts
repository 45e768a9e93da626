import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { InputError, RequestError } from '../../../connection/errors.js';
import {
  getStyle,
  lookupBarcode,
  printLabels,
  type Style,
  type StyleSummary,
  searchStyles,
} from '../../../data/catalog.js';
import { money, parseYuan } from '../../../data/format.js';
import {
  ADJUSTMENT_REASONS,
  type AdjustmentReason,
  adjustStock,
  cancelStocktake,
  commitStocktake,
  getStocktake,
  type LowStockItem,
  lowStock,
  openStocktake,
  receiveStock,
  type StockDocument,
  type Stocktake,
  scanForStocktake,
  stocktakeVariance,
  transferStock,
  type VarianceReport,
} from '../../../data/inventory.js';
import { type StoreList, storeList } from '../../../data/stores.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';
import './hg-admin-transfers.js';

type Tab = 'receive' | 'adjust' | 'transfer' | 'stocktake' | 'low';
const STOCKTAKE_KEY = 'hanger.admin.stocktake';

/**
 * Inventory: receive stock by style (a quantity per colour × size), adjust, stocktake, low
 * stock; in a chain also transfers to the other stores and the ones on their way.
 */
@customElement('hg-admin-inventory')
export class HgAdminInventory extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .qty {
        width: 5em;
        text-align: end;
      }
      .matrix td,
      .matrix th {
        text-align: center;
      }
      .matrix th[scope='row'] {
        text-align: start;
      }
      .matrix small {
        display: block;
        color: var(--hg-muted);
      }
    `,
  ];

  @state() private _tab: Tab = 'receive';
  @state() private _found: StyleSummary[] = [];
  @state() private _style: Style | null = null;
  @state() private _document: StockDocument | null = null;
  @state() private _low: LowStockItem[] | null = null;
  @state() private _stocktake: Stocktake | null = null;
  @state() private _variance: VarianceReport | null = null;
  /** The chain's stores; null until known, `chain: false` for a shop on its own. */
  @state() private _stores: StoreList | null = null;
  /** Counts this page's transfers out, so the transfer lists read again after each. */
  @state() private _sent = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void storeList(this.ctx.auth).then(
      (stores) => (this._stores = stores),
      () => {},
    );
    const id = sessionStorage.getItem(STOCKTAKE_KEY);
    if (id)
      void getStocktake(this.ctx.auth, id).then(
        (take) => (this._stocktake = take.status === 'open' ? take : null),
        () => {},
      );
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.inventory')}</h2>
      <div class="tabs" role="group" aria-label=${t('admin.nav.inventory')}>
        ${this._tabs().map(
          (tab) =>
            html`<button type="button" aria-pressed=${this._tab === tab} @click=${() => this._open(tab)}>${tab === 'transfer' ? t('chain.transfer.tab') : t(`inventory.tab.${tab}`)}</button>`,
        )}
      </div>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${this._tab === 'low' ? this._lowView() : this._tab === 'stocktake' ? this._stocktakeView() : this._movement()}
      ${
        this._tab === 'transfer' && this._stores
          ? html`<hg-admin-transfers .ctx=${this.ctx} .stores=${this._stores} .version=${this._sent}></hg-admin-transfers>`
          : nothing
      }
    `;
  }

  /** Transfers are between the stores of a chain: a shop on its own has none. */
  private _tabs(): Tab[] {
    return this._stores?.chain
      ? ['receive', 'adjust', 'transfer', 'stocktake', 'low']
      : ['receive', 'adjust', 'stocktake', 'low'];
  }

  /** The other stores of the chain, to send to. */
  private _storeSelect() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<label>${t('chain.transfer.toStore')}
      <select name="store" required>
        ${this._stores?.items
          .filter((store) => store.code !== this._stores?.store)
          .map(
            (store) =>
              html`<option value=${store.code}>${t('chain.storeOf', { name: store.name, code: store.code })}</option>`,
          )}
      </select>
    </label>`;
  }

  private _open(tab: Tab): void {
    this._tab = tab;
    this._error = null;
    this._done = null;
    this._document = null;
    if (tab === 'low') void this._loadLow();
  }

  // ── receive and adjust: pick a style, a quantity per SKU ─────────────

  private _movement() {
    const t = this._i18n.t.bind(this._i18n);
    const receiving = this._tab === 'receive';
    const sending = this._tab === 'transfer';
    return html`<section class="card">
      <form class="row" @submit=${this._find} aria-label=${t('inventory.findStyle')}>
        <label>${t('inventory.findStyle')}<input name="q" placeholder=${t('inventory.findHint')} /></label>
        <button type="submit">${t('common.search')}</button>
      </form>
      ${
        this._found.length > 1
          ? html`<ul>
            ${this._found.map((style) => html`<li><button type="button" class="link" @click=${() => this._pick(style.id)}>${style.styleCode} · ${style.name}</button></li>`)}
          </ul>`
          : nothing
      }
    </section>
    ${
      this._style
        ? html`<section class="card">
            <h3 id="move-title">${this._style.styleCode} · ${this._style.name}</h3>
            <form @submit=${this._submitMovement} aria-labelledby="move-title">
              ${this._matrix(this._style)}
              <div class="row spaced">
                ${
                  sending
                    ? this._storeSelect()
                    : receiving
                      ? html`<label>${t('inventory.supplier')}<input name="supplier" maxlength="60" /></label>
                        <label>${t('inventory.unitCost')}<input name="unitCost" inputmode="decimal" /></label>`
                      : html`<label>${t('inventory.reason')}
                        <select name="reason">${ADJUSTMENT_REASONS.map((reason) => html`<option value=${reason}>${t(`inventory.reasons.${reason}`)}</option>`)}</select>
                      </label>`
                }
                <label>${t('inventory.note')}<input name="note" maxlength="200" /></label>
                <button type="submit" class="primary" ?disabled=${this._busy}>${sending ? t('chain.transfer.send') : t(receiving ? 'inventory.receive' : 'inventory.adjust')}</button>
              </div>
              ${this._tab === 'adjust' ? html`<p class="muted">${t('inventory.adjustHint')}</p>` : nothing}
            </form>
          </section>`
        : nothing
    }
    ${this._document ? this._documentView(this._document) : nothing}`;
  }

  private _matrix(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    const cells = new Map(style.skus.map((sku) => [`${sku.color}\u0000${sku.size}`, sku]));
    return html`<table class="matrix">
      <thead><tr><th scope="col">${t('lookup.colorSize')}</th>${style.sizes.map((size) => html`<th scope="col">${size}</th>`)}</tr></thead>
      <tbody>
        ${style.colors.map(
          (color) => html`<tr>
            <th scope="row">${color}</th>
            ${style.sizes.map((size) => {
              const sku = cells.get(`${color}\u0000${size}`);
              if (!sku?.active) return html`<td>—</td>`;
              return html`<td>
                <input class="qty" type="number" step="1" name=${`sku:${sku.id}`}
                  aria-label=${t('inventory.qtyOf', { color, size })} />
                <small>${t('inventory.onHandNow', { count: sku.onHand })}</small>
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private async _find(event: Event): Promise<void> {
    event.preventDefault();
    const q = formValues(event.target as HTMLFormElement).q ?? '';
    if (!q) return;
    // A scanned barcode goes straight to its style.
    if (/^\d{8,14}$/.test(q)) {
      try {
        const sku = await lookupBarcode(this.ctx.auth, q);
        await this._pick(sku.styleId);
        return;
      } catch (error) {
        if (!(error instanceof RequestError && error.code === 'not_found')) {
          this._error = error;
          return;
        }
      }
    }
    const page = await this._run(() => searchStyles(this.ctx.auth, { q, limit: 20 }));
    if (!page) return;
    this._found = page.items;
    const only = page.items[0];
    if (page.items.length === 1 && only) await this._pick(only.id);
    else if (page.items.length === 0) this._error = new InputError('inventory.noStyle', {}, 'not_found');
  }

  private async _pick(id: string): Promise<void> {
    const style = await this._run(() => getStyle(this.ctx.auth, id));
    if (style) {
      this._style = style;
      this._found = [];
    }
  }

  private async _submitMovement(event: Event): Promise<void> {
    event.preventDefault();
    const style = this._style;
    if (!style) return;
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const quantities = Object.entries(v)
      .filter(([key, value]) => key.startsWith('sku:') && value !== '' && Number(value) !== 0)
      .map(([key, value]) => ({ skuId: key.slice(4), qty: Math.trunc(Number(value)) }));
    if (quantities.length === 0) {
      this._error = new InputError('inventory.nothing');
      return;
    }
    let document: StockDocument | undefined;
    if (this._tab === 'transfer') {
      const store = v.store ?? '';
      document = await this._run(
        () =>
          transferStock(this.ctx.auth, {
            direction: 'out',
            store,
            lines: quantities,
            ...(v.note ? { note: v.note } : {}),
          }),
        { key: 'chain.transfer.sent', options: { store } },
      );
      if (document) this._sent += 1;
    } else if (this._tab === 'receive') {
      const unitCost = v.unitCost ? parseYuan(v.unitCost) : undefined;
      if (unitCost === null) {
        this._error = new InputError('catalog.badAmount');
        return;
      }
      document = await this._run(
        () =>
          receiveStock(this.ctx.auth, {
            lines: quantities.map((line) => ({ ...line, ...(unitCost !== undefined ? { unitCost } : {}) })),
            ...(v.supplier ? { supplier: v.supplier } : {}),
            ...(v.note ? { note: v.note } : {}),
          }),
        { key: 'inventory.received' },
      );
    } else {
      document = await this._run(
        () =>
          adjustStock(this.ctx.auth, {
            reason: (v.reason ?? 'correction') as AdjustmentReason,
            lines: quantities.map((line) => ({ skuId: line.skuId, delta: line.qty })),
            ...(v.note ? { note: v.note } : {}),
          }),
        { key: 'inventory.adjusted' },
      );
    }
    if (document) {
      this._document = document;
      form.reset();
      const done = this._done;
      await this._pick(style.id);
      this._done = done;
    }
  }

  private _documentView(document: StockDocument) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('inventory.document')}</h3>
      <table>
        <thead><tr><th>${t('catalog.sku')}</th><th>${t('inventory.barcode')}</th><th class="num">${t('inventory.delta')}</th><th class="num">${t('inventory.after')}</th></tr></thead>
        <tbody>
          ${document.lines.map(
            (
              line,
            ) => html`<tr><td>${line.styleCode} ${line.color}/${line.size}</td><td><code>${line.barcode}</code></td>
              <td class="num">${line.delta > 0 ? `+${line.delta}` : line.delta}</td><td class="num">${line.onHandAfter}</td></tr>`,
          )}
        </tbody>
      </table>
      ${
        document.kind === 'receipt'
          ? html`<div class="actions">
              <button type="button" class="primary" ?disabled=${this._busy}
                @click=${() => this._run(() => printLabels(this.ctx.auth, { receiptId: document.id }), { key: 'labels.sent' })}>
                ${t('labels.receipt')}
              </button>
            </div>`
          : nothing
      }
    </section>`;
  }

  // ── stocktake ─────────────────────────────────────────────────────────

  private _stocktakeView() {
    const t = this._i18n.t.bind(this._i18n);
    const take = this._stocktake;
    if (!take) {
      return html`<section class="card">
        <p>${t('inventory.noStocktake')}</p>
        <form class="row" @submit=${this._openStocktake}>
          <label>${t('inventory.note')}<input name="note" maxlength="200" /></label>
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('inventory.openStocktake')}</button>
        </form>
      </section>`;
    }
    const variance = this._variance;
    return html`<section class="card">
        <h3>${t('inventory.stocktakeOpen', { skus: take.countedSkus, units: take.countedUnits })}</h3>
        <form class="row" @submit=${this._scan} aria-label=${t('inventory.count')}>
          <label>${t('inventory.barcode')}<input name="barcode" required autocomplete="off" /></label>
          <label>${t('inventory.qty')}<input name="qty" type="number" min="1" value="1" class="qty" /></label>
          <button type="submit">${t('inventory.count')}</button>
        </form>
        <div class="actions spaced">
          <button type="button" @click=${this._loadVariance}>${t('inventory.variance')}</button>
          <label class="inline"><input type="checkbox" id="zero" /> ${t('inventory.zeroUncounted')}</label>
          <button type="button" class="primary" @click=${this._commit}>${t('inventory.commit')}</button>
          <button type="button" class="danger" @click=${this._cancel}>${t('inventory.cancelStocktake')}</button>
        </div>
      </section>
      ${
        variance
          ? html`<section class="card">
              <h3>${t('inventory.variance')}</h3>
              <p>${t('inventory.varianceTotals', { units: variance.totals.variance, value: money(variance.totals.value) })}</p>
              <table>
                <thead><tr><th>${t('catalog.sku')}</th><th class="num">${t('inventory.expected')}</th><th class="num">${t('inventory.counted')}</th><th class="num">${t('inventory.delta')}</th></tr></thead>
                <tbody>
                  ${variance.lines.map((line) => html`<tr><td>${line.styleCode} ${line.color}/${line.size}</td><td class="num">${line.expected}</td><td class="num">${line.counted}</td><td class="num">${line.variance}</td></tr>`)}
                </tbody>
              </table>
            </section>`
          : nothing
      }`;
  }

  private async _openStocktake(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    try {
      this._error = null;
      this._stocktake = await openStocktake(this.ctx.auth, v.note ? { note: v.note } : {});
    } catch (error) {
      // One stocktake at a time: continue the one that is open.
      const open =
        error instanceof RequestError && error.code === 'conflict'
          ? /Stocktake (\S+) is still open/.exec(error.message)
          : null;
      if (open?.[1]) this._stocktake = await getStocktake(this.ctx.auth, open[1]);
      else this._error = error;
    }
    if (this._stocktake) sessionStorage.setItem(STOCKTAKE_KEY, this._stocktake.id);
  }

  private async _scan(event: Event): Promise<void> {
    event.preventDefault();
    const take = this._stocktake;
    if (!take) return;
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const counted = await this._run(
      () => scanForStocktake(this.ctx.auth, take.id, v.barcode ?? '', Number(v.qty || 1)),
      { key: 'inventory.countedOne', options: { barcode: v.barcode ?? '' } },
    );
    if (counted !== undefined) {
      (form.elements.namedItem('barcode') as HTMLInputElement).value = '';
      this._stocktake = await getStocktake(this.ctx.auth, take.id);
    }
  }

  private async _loadVariance(): Promise<void> {
    const take = this._stocktake;
    if (!take) return;
    const report = await this._run(() => stocktakeVariance(this.ctx.auth, take.id));
    if (report) this._variance = report;
  }

  private async _commit(): Promise<void> {
    const take = this._stocktake;
    if (!take) return;
    const zero = (this.renderRoot.querySelector('#zero') as HTMLInputElement | null)?.checked ?? false;
    if (
      (await this._run(() => commitStocktake(this.ctx.auth, take.id, zero), {
        key: 'inventory.committed',
      })) !== undefined
    )
      this._closed();
  }

  private async _cancel(): Promise<void> {
    const take = this._stocktake;
    if (!take) return;
    if (
      (await this._run(() => cancelStocktake(this.ctx.auth, take.id), { key: 'inventory.cancelled' })) !==
      undefined
    )
      this._closed();
  }

  private _closed(): void {
    sessionStorage.removeItem(STOCKTAKE_KEY);
    this._stocktake = null;
    this._variance = null;
  }

  // ── low stock ─────────────────────────────────────────────────────────

  private async _loadLow(): Promise<void> {
    const items = await this._run(() => lowStock(this.ctx.auth));
    if (items) this._low = items;
  }

  private _lowView() {
    const t = this._i18n.t.bind(this._i18n);
    const items = this._low;
    if (!items) return nothing;
    if (items.length === 0)
      return html`<section class="card"><p class="empty">${t('inventory.noLow')}</p></section>`;
    return html`<section class="card">${lowStockTable(items, t)}</section>`;
  }
}

/** The low-stock table; the dashboard shows it too. */
export function lowStockTable(
  items: LowStockItem[],
  t: (
    key:
      | 'inventory.sku'
      | 'inventory.onHand'
      | 'inventory.threshold'
      | 'inventory.sold'
      | 'inventory.suggested',
  ) => string,
) {
  return html`<table>
    <thead><tr>
      <th>${t('inventory.sku')}</th><th class="num">${t('inventory.onHand')}</th><th class="num">${t('inventory.threshold')}</th>
      <th class="num">${t('inventory.sold')}</th><th class="num">${t('inventory.suggested')}</th>
    </tr></thead>
    <tbody>
      ${items.map(
        (item) => html`<tr>
          <td>${item.styleCode} ${item.name} · ${item.color}/${item.size}<br /><code>${item.barcode}</code></td>
          <td class="num">${item.onHand}</td><td class="num">${item.threshold}</td>
          <td class="num">${item.soldRecently}</td><td class="num">${item.suggestedOrder}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-inventory': HgAdminInventory;
  }
}
