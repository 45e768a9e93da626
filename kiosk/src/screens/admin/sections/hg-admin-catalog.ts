import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import '../../../components/hg-photo.js';
import type { StyleCertificate } from '../../../../../server/protocol/printing.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import {
  addPhoto,
  changePrice,
  changeStyle,
  createStyle,
  deletePhoto,
  getStyle,
  type ImportReport,
  importCatalog,
  listSizeGroups,
  type NewStyle,
  type Photo,
  priceTagSvg,
  printLabels,
  reorderPhotos,
  type SizeGroup,
  type Style,
  type StyleChanges,
  type StyleSummary,
  searchStyles,
  showPhotoOnDisplay,
} from '../../../data/catalog.js';
import { money, parseYuan, yuanText } from '../../../data/format.js';
import { type LoyaltyTier, loyaltySettings } from '../../../data/loyalty.js';
import { type StoreList, storeList } from '../../../data/stores.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';
import './hg-store-price.js';

type Tab = 'list' | 'editor' | 'import';

/** "红 白, 黑" → ["红", "白", "黑"]: colours and sizes are typed as a list. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,，、;；]+/)
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ];
}

/** Catalogue: search (pinyin too), the style editor with its colour × size grid, price tags, import. */
/** The 合格证 fields of a style, with their longest length. */
const CERTIFICATE_FIELDS = [
  ['composition', 100],
  ['standard', 60],
  ['safetyCategory', 40],
  ['inspector', 20],
] as const;

@customElement('hg-admin-catalog')
export class HgAdminCatalog extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .search {
        display: flex;
        gap: 0.5em;
      }
      .search input {
        flex: 1;
      }
      .matrix td,
      .matrix th {
        text-align: center;
      }
      .matrix th[scope='row'] {
        text-align: start;
      }
      .matrix code {
        font-size: 0.8em;
        color: var(--hg-muted);
      }
      .tag {
        display: flex;
        gap: 1em;
        align-items: flex-start;
        flex-wrap: wrap;
      }
      .tag img {
        border: 1px solid var(--hg-line);
        background: #ffffff;
        max-width: 320px;
      }
      .photos {
        list-style: none;
        margin: 0 0 1em;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11em, 1fr));
        gap: 1em;
      }
      .photos li {
        display: flex;
        flex-direction: column;
        gap: 0.4em;
        align-items: flex-start;
      }
      .photos .photo-actions {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.4em;
        width: 100%;
        min-height: var(--hg-touch);
      }
      .upload {
        display: inline-flex;
        flex-direction: row;
        font-weight: 400;
      }
      .upload:focus-within {
        outline: var(--hg-focus);
        outline-offset: 2px;
      }
      .photos hg-photo {
        width: 100%;
        aspect-ratio: 4 / 5;
        border: 1px solid var(--hg-line);
        border-radius: calc(var(--hg-radius) * 0.5);
        background: var(--hg-page);
      }
      .problems td:first-child {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @state() private _tab: Tab = 'list';
  @state() private _query = '';
  @state() private _results: StyleSummary[] = [];
  @state() private _style: Style | null = null;
  @state() private _sizeGroups: SizeGroup[] = [];
  @state() private _tiers: LoyaltyTier[] = [];
  @state() private _sizes = '';
  @state() private _tagSku = '';
  @state() private _tagSvg: string | null = null;
  @state() private _file: File | null = null;
  @state() private _report: ImportReport | null = null;
  @state() private _imported: ImportReport | null = null;
  /** The chain's stores; null until known, `chain: false` for a shop on its own. */
  @state() private _stores: StoreList | null = null;

  private _searchAbort: AbortController | undefined;
  private _searchTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._search('');
    void storeList(this.ctx.auth).then(
      (stores) => (this._stores = stores),
      () => {},
    );
    void listSizeGroups(this.ctx.auth).then(
      (groups) => (this._sizeGroups = groups),
      () => {},
    );
    void loyaltySettings(this.ctx.auth).then(
      (loyalty) => (this._tiers = loyalty.tiers),
      () => {},
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._searchTimer);
    this._searchAbort?.abort();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.catalog')}</h2>
      <div class="tabs" role="group" aria-label=${t('admin.nav.catalog')}>
        ${(this._branch ? (['list', 'editor'] as const) : (['list', 'editor', 'import'] as const)).map(
          (
            tab,
          ) => html`<button type="button" aria-pressed=${this._tab === tab} @click=${() => this._open(tab)}>
            ${t(`catalog.tab.${tab}`)}
          </button>`,
        )}
        ${this._branch ? nothing : html`<button type="button" class="primary" @click=${this._newStyle}>${t('catalog.new')}</button>`}
      </div>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${this._tab === 'list' ? this._list() : this._tab === 'editor' ? this._editor() : this._import()}
    `;
  }

  /** A branch of a chain: head office keeps the catalogue, the branch sets its own prices. */
  private get _branch(): boolean {
    return Boolean(this._stores?.chain && !this._stores.headOffice);
  }

  private _open(tab: Tab): void {
    this._tab = tab;
    this._done = null;
    this._error = null;
  }

  // ── the list ──────────────────────────────────────────────────────────

  private _list() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <div class="search">
        <label class="visually-hidden" for="q">${t('catalog.search')}</label>
        <input id="q" type="search" placeholder=${t('catalog.searchHint')} .value=${this._query} @input=${this._typed} />
      </div>
      ${
        this._results.length === 0
          ? html`<p class="empty">${t('catalog.noResults')}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t('catalog.styleCode')}</th>
                  <th>${t('catalog.name')}</th>
                  <th>${t('catalog.category')}</th>
                  <th class="num">${t('catalog.price')}</th>
                  <th class="num">${t('catalog.onHand')}</th>
                  <th>${t('staff.status')}</th>
                </tr>
              </thead>
              <tbody>
                ${this._results.map(
                  (style) => html`<tr>
                    <td><button type="button" class="link" @click=${() => this._edit(style.id)}>${style.styleCode}</button></td>
                    <td>${style.name}</td>
                    <td>${style.category ?? '—'}</td>
                    <td class="num">${money(style.price)}</td>
                    <td class="num">${style.onHand}</td>
                    <td>${style.active ? t('catalog.active') : html`<span class="badge bad">${t('catalog.inactive')}</span>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  private _typed(event: Event): void {
    this._query = (event.target as HTMLInputElement).value;
    clearTimeout(this._searchTimer);
    this._searchTimer = setTimeout(() => void this._search(this._query), 200);
  }

  private async _search(q: string): Promise<void> {
    this._searchAbort?.abort();
    const abort = new AbortController();
    this._searchAbort = abort;
    try {
      const page = await searchStyles(this.ctx.auth, { q: q.trim() || undefined, limit: 50 }, abort.signal);
      if (abort === this._searchAbort) this._results = page.items;
    } catch (error) {
      if (!(error instanceof DOMException)) this._error = error;
    }
  }

  private async _edit(id: string): Promise<void> {
    const style = await this._run(() => getStyle(this.ctx.auth, id));
    if (!style) return;
    this._style = style;
    this._tagSku = style.skus[0]?.id ?? '';
    this._tagSvg = null;
    this._tab = 'editor';
  }

  private _newStyle(): void {
    this._style = null;
    this._sizes = '';
    this._tagSvg = null;
    this._open('editor');
  }

  // ── the editor ────────────────────────────────────────────────────────

  private _editor() {
    return this._style ? this._existing(this._style) : this._create();
  }

  private _create() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('catalog.new')}</h3>
      <form class="grid" @submit=${this._submitNew} aria-label=${t('catalog.new')}>
        <label>${t('catalog.styleCode')}<input name="styleCode" required maxlength="32" /></label>
        <label>${t('catalog.name')}<input name="name" required maxlength="60" /></label>
        <label>${t('catalog.category')}<input name="category" placeholder=${t('catalog.categoryHint')} /></label>
        <label>${t('catalog.brand')}<input name="brand" maxlength="40" /></label>
        <label>${t('browse.supplier')}<input name="supplier" maxlength="60" /></label>
        <label>${t('catalog.season')}<input name="season" maxlength="20" /></label>
        <label>${t('catalog.year')}<input name="year" type="number" min="2000" max="2100" /></label>
        <label>${t('catalog.priceYuan')}<input name="price" required inputmode="decimal" /></label>
        <label>${t('catalog.tagPriceYuan')}<input name="tagPrice" inputmode="decimal" /></label>
        <label>${t('catalog.costYuan')}<input name="cost" inputmode="decimal" /></label>
        ${this._tiers
          .filter((tier) => tier.rank > 0)
          .map(
            (tier) => html`<label>
              ${t('catalog.memberPriceOf', { tier: tier.name })}
              <input name=${`member_${tier.code}`} inputmode="decimal" />
            </label>`,
          )}
        <label>${t('catalog.lowStock')}<input name="lowStockThreshold" type="number" min="0" /></label>
        <label>${t('catalog.colors')}<input name="colors" required placeholder=${t('catalog.listHint')} /></label>
        <label>
          ${t('catalog.sizeGroup')}
          <select name="sizeGroup" @change=${this._pickGroup}>
            <option value="">${t('catalog.ownSizes')}</option>
            ${this._sizeGroups.map((group) => html`<option value=${group.code}>${group.name}</option>`)}
          </select>
        </label>
        <label>
          ${t('catalog.sizes')}
          <input name="sizes" required .value=${this._sizes} @input=${(e: Event) => (this._sizes = (e.target as HTMLInputElement).value)}
            placeholder=${t('catalog.listHint')} />
        </label>
        <label class="inline"><input type="checkbox" name="specialPrice" /> ${t('catalog.specialPrice')}</label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('catalog.create')}</button></div>
      </form>
    </section>`;
  }

  private _pickGroup(event: Event): void {
    const code = (event.target as HTMLSelectElement).value;
    const group = this._sizeGroups.find((g) => g.code === code);
    if (group) this._sizes = group.sizes.join(' ');
  }

  /** Owners and managers manage the catalogue and see its cost; a style read with its cost shows it too. */
  private _seesCost(style: Style): boolean {
    return style.cost !== null || ['owner', 'manager'].includes(this.ctx.session.staff.role);
  }

  private _money(v: Record<string, string>, key: string): number | undefined | null {
    const text = v[key];
    if (!text) return undefined;
    return parseYuan(text);
  }

  private async _submitNew(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const price = this._money(v, 'price');
    const tagPrice = this._money(v, 'tagPrice');
    const cost = this._money(v, 'cost');
    const memberPrices: Record<string, number> = {};
    for (const tier of this._tiers) {
      const amount = this._money(v, `member_${tier.code}`);
      if (typeof amount === 'number') memberPrices[tier.code] = amount;
    }
    if (price === null || price === undefined || tagPrice === null || cost === null) {
      this._done = null;
      this._error = new InputError('catalog.badAmount');
      return;
    }
    const style: NewStyle = {
      styleCode: v.styleCode ?? '',
      name: v.name ?? '',
      price,
      colors: splitList(v.colors ?? ''),
      sizes: splitList(v.sizes ?? ''),
      ...(v.category ? { category: v.category } : {}),
      ...(v.brand ? { brand: v.brand } : {}),
      ...(v.supplier ? { supplier: v.supplier } : {}),
      ...(v.season ? { season: v.season } : {}),
      ...(v.year ? { year: Number(v.year) } : {}),
      ...(tagPrice !== undefined ? { tagPrice } : {}),
      ...(cost !== undefined ? { cost } : {}),
      ...(Object.keys(memberPrices).length > 0 ? { memberPrices } : {}),
      ...(v.sizeGroup ? { sizeGroup: v.sizeGroup } : {}),
      ...(v.lowStockThreshold ? { lowStockThreshold: Number(v.lowStockThreshold) } : {}),
      ...(v.specialPrice ? { specialPrice: true } : {}),
    };
    const created = await this._run(() => createStyle(this.ctx.auth, style), { key: 'catalog.created' });
    if (created) {
      this._style = created;
      this._tagSku = created.skus[0]?.id ?? '';
    }
  }

  private _existing(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      ${this._branch ? this._branchView(style) : this._styleForm(style)}
      <section class="card">
        <h3 id="matrix-title">${t('catalog.matrix')}</h3>
        ${this._matrix(style)}
      </section>
      ${this._branch ? nothing : this._photos(style)}
      ${this._tagsAndLabels(style)}
    `;
  }

  /** Head office (or a shop on its own) edits the style. */
  private _styleForm(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <section class="card">
        <h3>${style.styleCode} · ${style.name}</h3>
        <form class="grid" @submit=${(event: Event) => this._saveStyle(event, style)} aria-label=${t('catalog.edit')}>
          <label>${t('catalog.name')}<input name="name" .value=${style.name} maxlength="60" /></label>
          <label>${t('catalog.category')}<input name="category" .value=${style.category?.path ?? ''} /></label>
          <label>${t('catalog.priceYuan')}<input name="price" inputmode="decimal" .value=${yuanText(style.price)} /></label>
          <label>${t('catalog.tagPriceYuan')}<input name="tagPrice" inputmode="decimal" .value=${yuanText(style.tagPrice)} /></label>
          ${
            // Cost is shown to those who manage the catalogue (the server sends it to no one else).
            this._seesCost(style)
              ? html`<label>${t('catalog.costYuan')}<input name="cost" inputmode="decimal" .value=${style.cost === null ? '' : yuanText(style.cost)} /></label>`
              : nothing
          }
          <label>${t('catalog.brand')}<input name="brand" maxlength="40" .value=${style.brand ?? ''} /></label>
          <label>${t('browse.supplier')}<input name="supplier" maxlength="60" .value=${style.supplier ?? ''} /></label>
          <label>${t('catalog.season')}<input name="season" maxlength="20" .value=${style.season ?? ''} /></label>
          <label>${t('catalog.year')}<input name="year" type="number" min="2000" max="2100" .value=${style.year === null ? '' : String(style.year)} /></label>
          <label>${t('catalog.lowStock')}<input name="lowStockThreshold" type="number" min="0" .value=${style.lowStockThreshold === null ? '' : String(style.lowStockThreshold)} /></label>
          ${this._tiers
            .filter((tier) => tier.rank > 0)
            .map(
              (tier) => html`<label>
                ${t('catalog.memberPriceOf', { tier: tier.name })}
                <input name=${`member_${tier.code}`} inputmode="decimal"
                  .value=${style.memberPrices[tier.code] === undefined ? '' : yuanText(style.memberPrices[tier.code] ?? 0)} />
              </label>`,
            )}
          <label>${t('catalog.addColors')}<input name="addColors" placeholder=${t('catalog.listHint')} /></label>
          <label>${t('catalog.addSizes')}<input name="addSizes" placeholder=${t('catalog.listHint')} /></label>
          ${CERTIFICATE_FIELDS.map(
            ([field, max]) => html`<label>
              ${t('labels.certificate')} · ${t(`labels.${field}`)}
              <input name=${`certificate_${field}`} maxlength=${max} .value=${style.certificate?.[field] ?? ''} />
            </label>`,
          )}
          <label class="inline"><input type="checkbox" name="active" ?checked=${style.active} /> ${t('catalog.active')}</label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
        </form>
      </section>
    `;
  }

  /** What a branch sees of a style: head office's, and the branch's own price. */
  private _branchView(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" data-branch>
        <h3>${style.styleCode} · ${style.name}</h3>
        <p class="muted">${t('chain.price.headOffice')}</p>
      </section>
      <hg-store-price .ctx=${this.ctx} styleId=${style.id}></hg-store-price>`;
  }

  private _tagsAndLabels(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <section class="card">
        <h3>${t('catalog.priceTag')}</h3>
        <div class="row">
          <label>
            ${t('catalog.sku')}
            <select @change=${(e: Event) => (this._tagSku = (e.target as HTMLSelectElement).value)}>
              ${style.skus.map((sku) => html`<option value=${sku.id} ?selected=${sku.id === this._tagSku}>${sku.color} / ${sku.size} · ${sku.barcode}</option>`)}
            </select>
          </label>
          <button type="button" @click=${this._previewTag}>${t('catalog.previewTag')}</button>
        </div>
        ${this._tagSvg ? html`<div class="tag"><img alt=${t('catalog.priceTag')} src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(this._tagSvg)}`} /></div>` : nothing}
      </section>
      <section class="card">
        <h3>${t('labels.print')}</h3>
        <form @submit=${(event: Event) => this._printChosen(event)} aria-label=${t('labels.chosen')}>
          <table>
            <thead><tr><th scope="col">${t('catalog.sku')}</th><th scope="col" class="num">${t('labels.copies')}</th></tr></thead>
            <tbody>
              ${style.skus.map(
                (sku) => html`<tr>
                  <td>${sku.color} / ${sku.size} · <code>${sku.barcode}</code></td>
                  <td class="num"><input name=${`copies_${sku.id}`} type="number" min="0" max="500" value="0"
                    aria-label=${`${t('labels.copies')} ${sku.color} / ${sku.size}`} /></td>
                </tr>`,
              )}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit" ?disabled=${this._busy}>${t('labels.chosen')}</button>
            <button type="button" class="primary" ?disabled=${this._busy} @click=${() => this._printSizeRun(style)}>${t('labels.sizeRun')}</button>
          </div>
        </form>
      </section>
    `;
  }

  /** The style's photos: upload, cover, delete, and which show on the customer display. */
  private _photos(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" aria-labelledby="photos-title">
      <h3 id="photos-title">${t('catalog.photos')}</h3>
      ${
        style.photos.length === 0
          ? html`<p class="empty">${t('catalog.noPhotos')}</p>`
          : html`<ul class="photos">
              ${style.photos.map(
                (photo, i) => html`<li data-photo=${photo.id}>
                  <hg-photo .auth=${this.ctx.auth} src=${photo.url} alt=${t('catalog.photoOf', { name: style.name, n: i + 1 })}></hg-photo>
                  <div class="photo-actions">
                    ${
                      i === 0
                        ? html`<span class="badge good">${t('catalog.cover')}</span>`
                        : html`<button type="button" ?disabled=${this._busy} @click=${() => this._makeCover(style, photo.id)}>
                            ${t('catalog.makeCover')}
                          </button>`
                    }
                    <button type="button" class="link" ?disabled=${this._busy} @click=${() => this._deletePhoto(style, photo.id)}>
                      ${t('catalog.deletePhoto')}
                    </button>
                  </div>
                  <label class="inline">
                    <input
                      type="checkbox"
                      name="showcase"
                      .checked=${photo.showcase}
                      ?disabled=${this._busy}
                      @change=${(event: Event) => this._showcase(style, photo, (event.target as HTMLInputElement).checked)}
                    />
                    ${t('catalog.showOnDisplay')}
                  </label>
                </li>`,
              )}
            </ul>`
      }
      <!-- The browser's own file button speaks the browser's language: a button of ours instead. -->
      <label class="button upload">
        ${t('catalog.addPhoto')}
        <input
          type="file"
          name="photo"
          class="visually-hidden"
          accept="image/jpeg,image/png,image/webp"
          ?disabled=${this._busy}
          @change=${(event: Event) => this._upload(style, event)}
        />
      </label>
      <p class="muted">${t('catalog.photoHint')}</p>
    </section>`;
  }

  private async _upload(style: Style, event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const photos = await this._run(() => addPhoto(this.ctx.auth, style.id, file), {
      key: 'catalog.photoAdded',
    });
    input.value = '';
    if (photos) this._photosChanged(style, photos);
  }

  private async _makeCover(style: Style, photoId: string): Promise<void> {
    const order = [photoId, ...style.photos.map((photo) => photo.id).filter((id) => id !== photoId)];
    const photos = await this._run(() => reorderPhotos(this.ctx.auth, style.id, order), {
      key: 'common.saved',
    });
    if (photos) this._photosChanged(style, photos);
  }

  private async _deletePhoto(style: Style, photoId: string): Promise<void> {
    const photos = await this._run(() => deletePhoto(this.ctx.auth, style.id, photoId), {
      key: 'catalog.photoDeleted',
    });
    if (photos) this._photosChanged(style, photos);
  }

  private async _showcase(style: Style, photo: Photo, on: boolean): Promise<void> {
    const photos = await this._run(() => showPhotoOnDisplay(this.ctx.auth, style.id, photo.id, on), {
      key: 'catalog.showcaseSaved',
    });
    if (photos) this._photosChanged(style, photos);
  }

  private _photosChanged(style: Style, photos: Photo[]): void {
    if (this._style?.id === style.id) this._style = { ...this._style, photos };
  }

  private _matrix(style: Style) {
    const t = this._i18n.t.bind(this._i18n);
    const cells = new Map(style.skus.map((sku) => [`${sku.color}\u0000${sku.size}`, sku]));
    return html`<table class="matrix" aria-labelledby="matrix-title">
      <thead>
        <tr>
          <th scope="col">${t('lookup.colorSize')}</th>
          ${style.sizes.map((size) => html`<th scope="col">${size}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${style.colors.map(
          (color) => html`<tr>
            <th scope="row">${color}</th>
            ${style.sizes.map((size) => {
              const sku = cells.get(`${color}\u0000${size}`);
              return sku
                ? html`<td data-barcode=${sku.barcode}>
                    <div><strong>${sku.onHand}</strong> ${sku.active ? nothing : html`<span class="badge bad">${t('catalog.inactive')}</span>`}</div>
                    <code>${sku.barcode}</code>
                  </td>`
                : html`<td>—</td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private async _saveStyle(event: Event, style: Style): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const changes: StyleChanges = {};
    if (v.name && v.name !== style.name) changes.name = v.name;
    if ((v.category ?? '') !== (style.category?.path ?? '')) changes.category = v.category || null;
    const tagPrice = this._money(v, 'tagPrice');
    if (typeof tagPrice === 'number' && tagPrice !== style.tagPrice) changes.tagPrice = tagPrice;
    if (this._seesCost(style)) {
      const cost = this._money(v, 'cost');
      if (cost === null) {
        this._done = null;
        this._error = new InputError('catalog.badAmount');
        return;
      }
      if ((cost ?? null) !== style.cost) changes.cost = cost ?? null;
    }
    // A cleared field clears the style's value.
    const text = (name: 'brand' | 'supplier' | 'season') => v[name]?.trim() || null;
    if (text('brand') !== style.brand) changes.brand = text('brand');
    if (text('supplier') !== style.supplier) changes.supplier = text('supplier');
    if (text('season') !== style.season) changes.season = text('season');
    const year = v.year ? Number(v.year) : null;
    if (year !== style.year) changes.year = year;
    const threshold = v.lowStockThreshold ? Number(v.lowStockThreshold) : null;
    if (threshold !== style.lowStockThreshold) changes.lowStockThreshold = threshold;
    const memberPrices: Record<string, number> = {};
    for (const tier of this._tiers) {
      const amount = this._money(v, `member_${tier.code}`);
      if (typeof amount === 'number') memberPrices[tier.code] = amount;
    }
    if (JSON.stringify(memberPrices) !== JSON.stringify(style.memberPrices))
      changes.memberPrices = memberPrices;
    const addColors = splitList(v.addColors ?? '');
    const addSizes = splitList(v.addSizes ?? '');
    if (addColors.length > 0) changes.addColors = addColors;
    if (addSizes.length > 0) changes.addSizes = addSizes;
    if (Boolean(v.active) !== style.active) changes.active = Boolean(v.active);
    const certificate = Object.fromEntries(
      CERTIFICATE_FIELDS.map(([field]) => [field, v[`certificate_${field}`]?.trim() ?? '']).filter(
        ([, value]) => value,
      ),
    ) as StyleCertificate;
    if (JSON.stringify(certificate) !== JSON.stringify(style.certificate ?? {}))
      changes.certificate = Object.keys(certificate).length > 0 ? certificate : null;
    const price = this._money(v, 'price');
    const saved = await this._run(
      async () => {
        if (typeof price === 'number' && price !== style.price)
          await changePrice(this.ctx.auth, style.id, { price });
        if (Object.keys(changes).length > 0) await changeStyle(this.ctx.auth, style.id, changes);
        return getStyle(this.ctx.auth, style.id);
      },
      { key: 'common.saved' },
    );
    if (saved) this._style = saved;
  }

  /** The SKUs given a number of tags, that many each. */
  private async _printChosen(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const items = Object.entries(v)
      .filter(([name, copies]) => name.startsWith('copies_') && Number(copies) > 0)
      .map(([name, copies]) => ({ skuId: name.slice('copies_'.length), copies: Number(copies) }));
    if (items.length === 0) return;
    await this._run(() => printLabels(this.ctx.auth, { items }), { key: 'labels.sent' });
  }

  /** One tag of every colour and size of the style. */
  private async _printSizeRun(style: Style): Promise<void> {
    await this._run(() => printLabels(this.ctx.auth, { styleId: style.id, copies: 1 }), {
      key: 'labels.sent',
    });
  }

  private async _previewTag(): Promise<void> {
    const sku = this._tagSku;
    if (!sku) return;
    const svg = await this._run(() => priceTagSvg(this.ctx.auth, sku));
    if (svg) this._tagSvg = svg;
  }

  // ── import ────────────────────────────────────────────────────────────

  private _import() {
    const t = this._i18n.t.bind(this._i18n);
    const report = this._report;
    return html`<section class="card">
      <h3>${t('catalog.importTitle')}</h3>
      <p class="muted">${t('catalog.importHint')}</p>
      <div class="row">
        <label>
          ${t('catalog.file')}
          <input type="file" accept=".csv,.xlsx,text/csv" @change=${this._picked} />
        </label>
        <button type="button" ?disabled=${!this._file || this._busy} @click=${() => this._check()}>${t('catalog.dryRun')}</button>
        <button type="button" class="primary" ?disabled=${!report || report.problems.length > 0 || this._busy} @click=${() => this._doImport()}>
          ${t('catalog.import')}
        </button>
      </div>
      ${report ? this._reportView(report) : nothing}
      ${this._imported ? html`<p class="done" role="status">${t('catalog.importDone', { styles: this._imported.newStyles, skus: this._imported.newSkus })}</p>` : nothing}
    </section>`;
  }

  private _reportView(report: ImportReport) {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <p role="status">
        ${t('catalog.reportLine', {
          rows: report.rows,
          styles: report.newStyles,
          extended: report.extendedStyles,
          skus: report.newSkus,
          unchanged: report.unchangedSkus,
        })}
      </p>
      ${
        report.problems.length > 0
          ? html`<h4>${t('catalog.problems', { count: report.problems.length })}</h4>
              <table class="problems">
                <thead><tr><th>${t('catalog.line')}</th><th>${t('catalog.column')}</th><th>${t('catalog.reason')}</th></tr></thead>
                <tbody>
                  ${report.problems.map((p) => html`<tr><td>${p.line}</td><td>${p.column ?? '—'}</td><td>${p.reason}</td></tr>`)}
                </tbody>
              </table>
              ${report.moreProblems ? html`<p class="muted">${t('catalog.moreProblems')}</p>` : nothing}`
          : html`<p class="done">${t('catalog.noProblems')}</p>`
      }
    `;
  }

  private _picked(event: Event): void {
    this._file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this._report = null;
    this._imported = null;
  }

  private async _check(): Promise<void> {
    const file = this._file;
    if (!file) return;
    const report = await this._run(() => importCatalog(this.ctx.auth, file, true));
    if (report) this._report = report;
  }

  private async _doImport(): Promise<void> {
    const file = this._file;
    if (!file) return;
    const imported = await this._run(() => importCatalog(this.ctx.auth, file, false));
    if (imported) {
      this._imported = imported;
      this._report = null;
      void this._search(this._query);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-catalog': HgAdminCatalog;
  }
}
