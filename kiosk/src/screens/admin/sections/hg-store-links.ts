import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type StoreLinkView, storeLinks } from '../../../data/chain-link.js';
import { ago, count, dateTime } from '../../../data/format.js';
import { storeList } from '../../../data/stores.js';
import { AdminSection } from '../context.js';

/** How often the card asks again: the stores report every 10 s, or when their queue changes. */
const REFRESH_MS = 5000;

/**
 * 门店连接 on head office's dashboard: each store of the chain, whether head office hears from
 * it, the sales it made offline still waiting to come up, when it was last heard from, and the
 * offline rows head office refused (a single-use coupon another store used meanwhile …) with
 * why, for a manager. A single shop has no card.
 */
@customElement('hg-store-links')
export class HgStoreLinks extends AdminSection {
  static override styles = [
    ...AdminSection.styles,
    css`
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .held {
        margin: 0.75em 0 0;
      }
      .held li {
        margin: 0.25em 0;
      }
    `,
  ];

  @state() private _stores: StoreLinkView[] | null = null;
  @state() private _chain = false;
  private _timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void storeList(this.ctx.auth).then(
      (list) => {
        this._chain = list.chain;
        if (!list.chain) return;
        void this._load();
        this._timer = setInterval(() => void this._load(), REFRESH_MS);
      },
      () => undefined,
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  private async _load(): Promise<void> {
    try {
      this._stores = await storeLinks(this.ctx.auth);
      this._error = null;
    } catch (error) {
      // Those who may not read the chain's reports see no card; a failed refresh keeps the rows.
      if (this._stores !== null) this._error = error;
      else clearInterval(this._timer);
    }
  }

  protected override render() {
    if (!this._chain || this._stores === null) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    const held = this._stores.filter((store) => store.heldRows.length > 0);
    return html`<section class="card" data-store-links aria-labelledby="store-links-title">
      <h3 id="store-links-title">${t('storeLinks.title')}</h3>
      <hg-error .error=${this._error}></hg-error>
      <table>
        <thead>
          <tr>
            <th>${t('storeLinks.store')}</th><th>${t('storeLinks.state')}</th>
            <th class="n">${t('storeLinks.waiting')}</th><th class="n">${t('storeLinks.held')}</th>
            <th>${t('storeLinks.lastContact')}</th>
          </tr>
        </thead>
        <tbody>
          ${this._stores.map((store) => {
            const state = stateOf(store);
            return html`<tr data-store-link=${store.code} data-state=${state} data-waiting=${store.waiting}>
              <td>${store.name}（${store.code}）</td>
              <td><span class=${`badge ${state === 'online' ? 'good' : state === 'unknown' ? '' : 'bad'}`}>${t(`storeLinks.${state}`)}</span></td>
              <td class="n">${count(store.waiting)}</td>
              <td class="n">${count(store.held)}</td>
              <td title=${dateTime(store.lastContact)}>${store.lastContact ? ago(store.lastContact) : t('storeLinks.never')}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${
        held.length > 0
          ? html`<h3 class="spaced">${t('storeLinks.heldTitle')}</h3>
              <ul class="held" data-held-rows>
                ${held.flatMap((store) =>
                  store.heldRows.map(
                    (row) => html`<li data-held=${row.id} title=${row.why}>
                      <strong>${store.name}</strong> <span class="muted">${dateTime(row.at)}</span>
                      ${
                        row.kind !== 'sale'
                          ? t('storeLinks.heldMember')
                          : row.coupon
                            ? t('storeLinks.heldCoupon', { number: row.number ?? '', coupon: row.coupon })
                            : t('storeLinks.heldSale', { number: row.number ?? '' })
                      }
                    </li>`,
                  ),
                )}
              </ul>`
          : nothing
      }
    </section>`;
  }
}

/** What head office can say of a store: heard from lately (online, or sending what it sold offline), silent, or never. */
function stateOf(store: StoreLinkView): 'online' | 'sending' | 'silent' | 'unknown' {
  if (store.mode === null) return 'unknown';
  if (store.silent) return 'silent';
  return store.mode === 'offline' || store.waiting > 0 ? 'sending' : 'online';
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-store-links': HgStoreLinks;
  }
}
