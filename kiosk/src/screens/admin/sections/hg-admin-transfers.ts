import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { count, dateTime } from '../../../data/format.js';
import { type ChainTransfer, listTransfers, transferStock } from '../../../data/inventory.js';
import type { StoreList } from '../../../data/stores.js';
import type { Said } from '../../../i18n/index.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

/**
 * A chain store's transfers: what is on its way here (booked in against what was sent, in as
 * many receipts as the boxes take, or closed with the rest missing), what this store sent that
 * has not arrived, and the differences — transfers closed short — the owner follows up.
 */
@customElement('hg-admin-transfers')
export class HgAdminTransfers extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .qty {
        width: 5em;
        text-align: end;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .missing {
        color: var(--hg-bad, #b3261e);
        font-weight: 600;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: baseline;
        margin-bottom: 0.5em;
      }
    `,
  ];

  /** The chain's stores (names for the codes). */
  @property({ attribute: false }) stores!: StoreList;
  /** Changes when this store sent something, so the lists are read again. */
  @property({ type: Number }) version = 0;

  @state() private _transfers: ChainTransfer[] | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('version')) void this._load();
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const items = await this._run(() => listTransfers(this.ctx.auth));
    if (items) this._transfers = items;
    this._done = done;
  }

  private _storeName(code: string): string {
    const store = this.stores.items.find((s) => s.code === code);
    return store ? this._i18n.t('chain.storeOf', { name: store.name, code }) : code;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const all = this._transfers ?? [];
    const here = this.stores.store;
    const inbound = all.filter((x) => x.status === 'in_transit' && x.to === here);
    const outbound = all.filter((x) => x.status === 'in_transit' && x.from === here);
    const short = all.filter((x) => x.status === 'closed_short');
    return html`
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${this._list('inbound', t('chain.transfer.inbound'), inbound)}
      ${this._list('outbound', t('chain.transfer.outbound'), outbound)}
      ${this._list('differences', t('chain.transfer.differences'), short)}
    `;
  }

  private _list(id: string, title: string, transfers: ChainTransfer[]) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" data-transfers=${id}>
      <h3>${title}</h3>
      ${
        this._transfers === null
          ? nothing
          : transfers.length === 0
            ? html`<p class="empty">${t('chain.transfer.none')}</p>`
            : transfers.map((transfer) => this._transfer(transfer, id === 'inbound'))
      }
    </section>`;
  }

  private _transfer(transfer: ChainTransfer, receiving: boolean) {
    const t = this._i18n.t.bind(this._i18n);
    const missing = transfer.lines.reduce((sum, line) => sum + line.missing, 0);
    const lines = html`<table>
      <thead><tr>
        <th>${t('catalog.sku')}</th><th class="n">${t('chain.transfer.sentQty')}</th>
        <th class="n">${t('chain.transfer.receivedQty')}</th><th class="n">${t('chain.transfer.missingQty')}</th>
        ${receiving ? html`<th class="n">${t('chain.transfer.receiveQty')}</th>` : nothing}
      </tr></thead>
      <tbody>${transfer.lines.map(
        (line) => html`<tr data-sku=${line.skuId}>
          <td>${line.styleCode} ${line.name} · ${line.color}/${line.size}<br /><code>${line.barcode}</code></td>
          <td class="n">${line.sent}</td><td class="n">${line.received}</td>
          <td class=${line.missing > 0 && transfer.status === 'closed_short' ? 'n missing' : 'n'}>${line.missing}</td>
          ${
            receiving
              ? html`<td class="n"><input class="qty" type="number" min="0" max=${line.missing} step="1" name=${`sku:${line.skuId}`}
                  .value=${String(line.missing)} ?disabled=${line.missing === 0}
                  aria-label=${`${t('chain.transfer.receiveQty')} ${line.styleCode} ${line.color}/${line.size}`} /></td>`
              : nothing
          }
        </tr>`,
      )}</tbody>
    </table>`;
    return html`<article data-transfer=${transfer.id}>
      <header>
        <strong>${this._storeName(transfer.from)} → ${this._storeName(transfer.to)}</strong>
        <span class="muted">${t('chain.transfer.at')} ${dateTime(transfer.at)}</span>
        <span class="badge">${t(`chain.transfer.status.${transfer.status}`)}</span>
        ${transfer.status === 'closed_short' ? html`<span class="missing">${t('chain.transfer.missingTotal', { count: count(missing) })}</span>` : nothing}
        ${transfer.note ? html`<span>${t('chain.transfer.note')}：${transfer.note}</span>` : nothing}
      </header>
      ${
        receiving
          ? html`<form @submit=${(event: Event) => this._receive(event, transfer)}>
              ${lines}
              <div class="actions spaced">
                <label class="inline"><input type="checkbox" name="close" /> ${t('chain.transfer.closeShort')}</label>
                <button type="submit" class="primary" ?disabled=${this._busy}>${t('chain.transfer.receive')}</button>
              </div>
            </form>`
          : lines
      }
    </article>`;
  }

  private async _receive(event: Event, transfer: ChainTransfer): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const lines = Object.entries(v)
      .filter(([key, value]) => key.startsWith('sku:') && Number(value) > 0)
      .map(([key, value]) => ({ skuId: key.slice(4), qty: Math.trunc(Number(value)) }));
    const close = v.close === 'on';
    const still = transfer.lines.reduce((sum, line) => sum + line.missing, 0);
    const coming = lines.reduce((sum, line) => sum + line.qty, 0);
    const done: Said =
      close && coming < still
        ? { key: 'chain.transfer.closed', options: { count: count(still - coming) } }
        : { key: 'chain.transfer.received' };
    const booked = await this._run(
      () =>
        transferStock(this.ctx.auth, {
          direction: 'in',
          store: transfer.from,
          transferId: transfer.id,
          lines,
          ...(close ? { close: true } : {}),
        }),
      done,
    );
    if (booked) await this._load();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-transfers': HgAdminTransfers;
  }
}
