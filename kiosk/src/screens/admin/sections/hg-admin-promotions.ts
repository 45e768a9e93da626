import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { listCategories, searchStyles } from '../../../data/catalog.js';
import { dateTime } from '../../../data/format.js';
import { loyaltySettings } from '../../../data/loyalty.js';
import {
  archivePromotion,
  listPromotions,
  type PromotionView,
  savePromotion,
} from '../../../data/promotions.js';
import { type StoreList, storeList } from '../../../data/stores.js';
import { AdminSection } from '../context.js';
import './hg-admin-coupons.js';
import type { Choice } from './hg-promotion-editor.js';
import './hg-promotion-editor.js';

type Tab = 'promotions' | 'coupons';
type Filter = 'active' | 'paused' | 'archived';

/**
 * Promotions (list, editor with a "try it on a cart" preview, pause and archive) and coupons.
 * In a chain each promotion says whether it is the chain's or this store's; a branch may not
 * change head office's, so it is offered no controls for them.
 */
@customElement('hg-admin-promotions')
export class HgAdminPromotions extends AdminSection {
  @state() private _tab: Tab = 'promotions';
  @state() private _filter: Filter = 'active';
  @state() private _items: PromotionView[] = [];
  @state() private _archived: PromotionView[] = [];
  /** The promotion in the editor: 'new', one of the list, or null when the editor is closed. */
  @state() private _editing: PromotionView | 'new' | null = null;
  @state() private _categories: Choice[] = [];
  @state() private _styles: Choice[] = [];
  @state() private _tiers: Choice[] = [];
  /** The chain's stores; null until known, `chain: false` for a shop on its own. */
  @state() private _stores: StoreList | null = null;
  /** What the last action did, said in the language shown now. */
  @state() private _note: {
    key: 'promo.savedNamed' | 'promo.paused' | 'promo.resumed' | 'promo.archived';
    label: string;
  } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
    void this._loadChoices();
    void storeList(this.ctx.auth).then(
      (stores) => (this._stores = stores),
      () => {},
    );
  }

  private get _chain(): boolean {
    return this._stores?.chain ?? false;
  }

  /** A branch of a chain: its own promotions only; head office's are read-only here. */
  private get _branch(): boolean {
    return this._chain && !this._stores?.headOffice;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.promotions')}</h2>
      <div class="tabs" role="group" aria-label=${t('admin.nav.promotions')}>
        ${(['promotions', 'coupons'] as const).map((tab) => html`<button type="button" aria-pressed=${this._tab === tab} @click=${() => (this._tab = tab)}>${t(`promo.tab.${tab}`)}</button>`)}
      </div>
      ${this._tab === 'coupons' ? html`<hg-admin-coupons .ctx=${this.ctx} .tiers=${this._tiers}></hg-admin-coupons>` : this._promotions()}
    `;
  }

  private _promotions() {
    const t = this._i18n.t.bind(this._i18n);
    const shown =
      this._filter === 'archived'
        ? this._archived
        : this._items.filter((p) => p.active === (this._filter === 'active'));
    return html`
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._note && !this._error ? html`<p class="done" role="status">${t(this._note.key, { label: this._note.label })}</p>` : nothing}
      <section class="card">
        <div class="actions spaced">
          <div class="tabs" role="group" aria-label=${t('promo.filter')}>
            ${(['active', 'paused', 'archived'] as const).map((f) => html`<button type="button" aria-pressed=${this._filter === f} @click=${() => this._setFilter(f)}>${t(`promo.state.${f}`)} (${f === 'archived' ? this._archived.length : this._items.filter((p) => p.active === (f === 'active')).length})</button>`)}
          </div>
          <button type="button" class="primary" data-action="new-promotion" @click=${() => {
            this._editing = 'new';
            this._note = null;
          }}>${t('promo.new')}</button>
        </div>
        ${
          shown.length === 0
            ? html`<p class="empty">${t('promo.none')}</p>`
            : html`<table>
          <thead><tr><th>${t('promo.label')}</th><th>${t('promo.kind')}</th><th class="num">${t('promo.priority')}</th><th>${t('promo.group')}</th>${this._chain ? html`<th>${t('chain.promotion.scope')}</th>` : nothing}<th>${t('promo.updated')}</th><th><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead>
          <tbody>${shown.map((p) => this._row(p))}</tbody>
        </table>`
        }
      </section>
      ${this._editing && this._branch ? html`<p class="muted" data-scope-note>${t('chain.promotion.storeOnly')}</p>` : nothing}
      ${
        this._editing
          ? html`<hg-promotion-editor .ctx=${this.ctx} .promotion=${this._editing === 'new' ? null : this._editing}
            .categories=${this._categories} .styleChoices=${this._styles} .tiers=${this._tiers} .stores=${this._stores}
            @promotion-saved=${this._saved} @editor-closed=${() => (this._editing = null)}></hg-promotion-editor>`
          : nothing
      }
    `;
  }

  private _row(p: PromotionView) {
    const t = this._i18n.t.bind(this._i18n);
    const archived = p.archivedAt !== null;
    const readOnly = this._branch && p.scope === 'chain';
    return html`<tr class=${this._editing !== 'new' && this._editing?.id === p.id ? 'selected' : ''} data-promotion=${p.label}>
      <td>${p.label}</td>
      <td>${t(`promo.kinds.${p.kind}`)}</td>
      <td class="num">${p.priority}</td>
      <td>${p.exclusiveGroup ?? '—'}</td>
      ${this._chain ? html`<td data-scope=${p.scope}>${this._scope(p)}</td>` : nothing}
      <td>${dateTime(archived ? p.archivedAt : p.updatedAt)}</td>
      <td class="actions">
        ${
          readOnly
            ? html`<span class="muted" title=${t('chain.promotion.chainReadOnly')}>${t('chain.headOfficeStaff')}</span>`
            : archived
              ? nothing
              : html`<button type="button" @click=${() => (this._editing = p)}>${t('common.edit')}<span class="visually-hidden"> ${p.label}</span></button>
          <button type="button" @click=${() => this._setActive(p, !p.active)}>${p.active ? t('promo.pause') : t('promo.resume')}<span class="visually-hidden"> ${p.label}</span></button>
          <button type="button" class="danger" @click=${() => this._archive(p)}>${t('promo.archive')}<span class="visually-hidden"> ${p.label}</span></button>`
        }
      </td>
    </tr>`;
  }

  /** Where a promotion runs: this store, the whole chain, or the stores head office named. */
  private _scope(p: PromotionView): string {
    const t = this._i18n.t.bind(this._i18n);
    const named = p.promotion.conditions?.stores;
    if (p.scope === 'store' || !named) return t(`chain.promotion.${p.scope}`);
    return named
      .map((id) => {
        const store = this._stores?.items.find((s) => s.id === id);
        return store ? t('chain.storeOf', { name: store.name, code: store.code }) : id;
      })
      .join(t('promoStores.separator'));
  }

  private _setFilter(filter: Filter): void {
    this._filter = filter;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() =>
      Promise.all([listPromotions(this.ctx.auth), listPromotions(this.ctx.auth, true)]),
    );
    if (loaded) [this._items, this._archived] = loaded;
    this._done = done;
  }

  /** What the editor offers for categories, styles and tiers; a failure leaves them empty. */
  private async _loadChoices(): Promise<void> {
    const [categories, styles, loyalty] = await Promise.allSettled([
      listCategories(this.ctx.auth),
      searchStyles(this.ctx.auth, { limit: 200 }),
      loyaltySettings(this.ctx.auth),
    ]);
    if (categories.status === 'fulfilled')
      this._categories = categories.value.map((c) => ({ id: c.id, label: c.path }));
    if (styles.status === 'fulfilled')
      this._styles = styles.value.items.map((s) => ({ id: s.id, label: `${s.styleCode} ${s.name}` }));
    if (loyalty.status === 'fulfilled')
      this._tiers = [...loyalty.value.tiers]
        .sort((a, b) => a.rank - b.rank)
        .map((tier) => ({ id: tier.code, label: tier.name }));
  }

  private async _saved(event: CustomEvent<PromotionView>): Promise<void> {
    this._editing = null;
    this._filter = event.detail.active ? 'active' : 'paused';
    await this._load();
    this._note = { key: 'promo.savedNamed', label: event.detail.label };
  }

  private async _setActive(p: PromotionView, active: boolean): Promise<void> {
    const { id: _id, ...definition } = p.promotion;
    this._note = null;
    const done = await this._run(() => savePromotion(this.ctx.auth, p.id, { ...definition, active }));
    if (done) {
      await this._load();
      this._note = { key: active ? 'promo.resumed' : 'promo.paused', label: p.label };
    }
  }

  private async _archive(p: PromotionView): Promise<void> {
    if (!globalThis.confirm(this._i18n.t('promo.archiveConfirm', { label: p.label }))) return;
    this._note = null;
    const done = await this._run(async () => {
      await archivePromotion(this.ctx.auth, p.id);
      return true;
    });
    if (done) {
      if (this._editing !== 'new' && this._editing?.id === p.id) this._editing = null;
      await this._load();
      this._note = { key: 'promo.archived', label: p.label };
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-promotions': HgAdminPromotions;
  }
}
