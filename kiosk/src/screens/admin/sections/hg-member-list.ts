import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import { count, date, money, parseYuan } from '../../../data/format.js';
import { type LoyaltyTier, loyaltySettings } from '../../../data/loyalty.js';
import {
  bulkTag,
  exportMembers,
  listMembers,
  MEMBER_SORTS,
  type MemberFilter,
  type MemberListItem,
  type MemberSort,
} from '../../../data/members.js';
import { AdminSection, download, formValues, sectionStyles } from '../context.js';

/** Members a page shows. */
const PAGE = 50;
const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/**
 * The store's members to browse: filters, sort, pages, bulk tag on the ticked members or on
 * the whole filter result, and export of what the filter shows. Opening a member fires
 * `member-open` with its id.
 */
@customElement('hg-member-list')
export class HgMemberList extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      form.filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: end;
      }
      form.filters input[type='number'],
      form.filters input.yuan {
        width: 6em;
      }
      .pager {
        display: flex;
        gap: 1em;
        align-items: center;
        justify-content: flex-end;
        margin-top: 0.5em;
      }
      .bulk {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: end;
        margin: 0.5em 0;
      }
      td.tags span {
        margin-right: 0.3em;
      }
    `,
  ];

  @state() private _items: MemberListItem[] = [];
  @state() private _total: number | null = null;
  @state() private _filter: MemberFilter = {};
  @state() private _sort: MemberSort = 'joined';
  @state() private _dir: 'asc' | 'desc' = 'desc';
  /** `after` of each page shown so far: the last is this page's, the one before it goes back. */
  @state() private _pages: (string | undefined)[] = [undefined];
  @state() private _next: string | null = null;
  @state() private _ticked = new Set<string>();
  @state() private _tiers: LoyaltyTier[] = [];
  /** Counts loads: an answer to an older one is dropped. */
  private _load = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._read();
    void loyaltySettings(this.ctx.auth).then(
      (loyalty) => (this._tiers = loyalty.tiers),
      () => {},
    );
  }

  /** The member list again from its first page (after a change elsewhere, such as a new member). */
  reload(): void {
    this._pages = [undefined];
    void this._read();
  }

  private async _read(): Promise<void> {
    const load = ++this._load;
    const after = this._pages.at(-1);
    const page = await this._run(() =>
      listMembers(this.ctx.auth, {
        ...this._filter,
        sort: this._sort,
        dir: this._dir,
        limit: PAGE,
        ...(after ? { after } : {}),
      }),
    );
    if (!page || load !== this._load) return;
    this._items = page.items;
    this._total = page.total;
    this._next = page.next;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" aria-label=${t('browse.list.title')}>
      ${this._filters()}
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${this._bulk()}
      ${this._table()}
      <div class="pager">
        <span class="muted" data-total=${this._total ?? ''}>${this._total === null ? '…' : t('browse.list.total', { count: count(this._total) })}</span>
        <button type="button" ?disabled=${this._pages.length <= 1 || this._busy} @click=${() => this._turn(-1)}>${t('browse.list.previous')}</button>
        <span class="muted">${t('browse.list.page', { page: this._pages.length })}</span>
        <button type="button" ?disabled=${!this._next || this._busy} @click=${() => this._turn(1)}>${t('browse.list.next')}</button>
      </div>
    </section>`;
  }

  private _filters() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="filters" role="search" aria-label=${t('browse.list.filters')} @submit=${this._apply}>
      <label>${t('members.search')}<input name="q" placeholder=${t('members.searchHint')} size="24" /></label>
      <label>${t('members.tier')}
        <select name="tier">
          <option value="">${t('browse.list.any')}</option>
          ${this._tiers.map((tier) => html`<option value=${tier.code}>${tier.name}</option>`)}
        </select>
      </label>
      <label>${t('browse.list.tag')}<input name="tag" maxlength="20" size="8" /></label>
      <label>${t('browse.list.birthdayMonth')}
        <select name="birthdayMonth">
          <option value="">${t('browse.list.any')}</option>
          ${MONTHS.map((month) => html`<option value=${month}>${t('browse.list.month', { month })}</option>`)}
        </select>
      </label>
      <label>${t('browse.list.lastVisitFrom')}<input name="lastVisitFrom" type="date" /></label>
      <label>${t('browse.list.lastVisitTo')}<input name="lastVisitTo" type="date" /></label>
      <label>${t('browse.list.spendMin')}<input name="spendMin" class="yuan" inputmode="decimal" /></label>
      <label>${t('browse.list.spendMax')}<input name="spendMax" class="yuan" inputmode="decimal" /></label>
      <label>${t('browse.list.expiringDays')}<input name="pointsExpiringDays" type="number" min="1" max="3650" /></label>
      <label class="inline"><input type="checkbox" name="owesStoredValue" /> ${t('browse.list.owesStoredValue')}</label>
      <label>${t('browse.list.sort')}
        <select name="sort">
          ${MEMBER_SORTS.map((sort) => html`<option value=${sort} ?selected=${sort === this._sort}>${t(`browse.list.sorts.${sort}`)}</option>`)}
        </select>
      </label>
      <label>${t('browse.list.direction')}
        <select name="dir">
          <option value="desc" ?selected=${this._dir === 'desc'}>${t('browse.list.desc')}</option>
          <option value="asc" ?selected=${this._dir === 'asc'}>${t('browse.list.asc')}</option>
        </select>
      </label>
      <button type="submit" class="primary" ?disabled=${this._busy}>${t('browse.list.apply')}</button>
      <button type="reset" @click=${this._clear}>${t('browse.list.clear')}</button>
      <button type="button" @click=${() => this._export('csv')}>${t('members.exportCsv')}</button>
      <button type="button" @click=${() => this._export('xlsx')}>${t('members.exportXlsx')}</button>
    </form>`;
  }

  private _bulk() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="bulk" aria-label=${t('browse.list.bulk')} @submit=${(e: Event) => e.preventDefault()}>
      <label>${t('browse.list.bulkTag')}<input name="bulkTag" maxlength="20" size="10" /></label>
      <label>${t('browse.list.scope')}
        <select name="scope">
          <option value="ticked">${t('browse.list.ticked', { count: this._ticked.size })}</option>
          <option value="all">${t('browse.list.allFiltered', { count: this._total ?? 0 })}</option>
        </select>
      </label>
      <button type="button" ?disabled=${this._busy} @click=${(e: Event) => this._tag(e, 'add')}>${t('browse.list.addTag')}</button>
      <button type="button" ?disabled=${this._busy} @click=${(e: Event) => this._tag(e, 'remove')}>${t('browse.list.removeTag')}</button>
    </form>`;
  }

  private _table() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._total === 0) return html`<p class="empty">${t('members.none')}</p>`;
    const allTicked = this._items.length > 0 && this._items.every((m) => this._ticked.has(m.id));
    return html`<table>
      <thead><tr>
        <th><input type="checkbox" aria-label=${t('browse.list.tickPage')} .checked=${allTicked} @change=${this._tickPage} /></th>
        <th>${t('members.name')}</th><th>${t('member.phone')}</th><th>${t('members.tier')}</th>
        <th>${t('browse.list.tags')}</th>
        <th class="num">${t('browse.list.sorts.spend')}</th><th class="num">${t('browse.list.sorts.storedValue')}</th>
        <th class="num">${t('browse.list.sorts.points')}</th><th>${t('browse.list.sorts.lastVisit')}</th><th>${t('members.since')}</th>
      </tr></thead>
      <tbody>
        ${this._items.map(
          (member) => html`<tr data-member=${member.number}>
            <td><input type="checkbox" aria-label=${member.name} .checked=${this._ticked.has(member.id)} @change=${() => this._tick(member.id)} /></td>
            <td><button type="button" class="link" @click=${() => this._open(member.id)}>${member.name}</button></td>
            <td>${member.phone ?? '—'}</td>
            <td>${member.tier.name}</td>
            <td class="tags">${member.tags.map((tag) => html`<span class="badge">${tag}</span>`)}</td>
            <td class="num">${money(member.spend)}</td>
            <td class="num">${money(member.storedValue)}</td>
            <td class="num">${count(member.points)}</td>
            <td>${member.lastVisitAt ? date(member.lastVisitAt) : '—'}</td>
            <td>${date(member.createdAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private _open(id: string): void {
    this.dispatchEvent(new CustomEvent('member-open', { detail: { id }, bubbles: true, composed: true }));
  }

  private _tick(id: string): void {
    const ticked = new Set(this._ticked);
    if (!ticked.delete(id)) ticked.add(id);
    this._ticked = ticked;
  }

  private _tickPage(event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    const ticked = new Set(this._ticked);
    for (const member of this._items) {
      if (on) ticked.add(member.id);
      else ticked.delete(member.id);
    }
    this._ticked = ticked;
  }

  private _turn(step: 1 | -1): void {
    if (step === 1 && this._next) this._pages = [...this._pages, this._next];
    if (step === -1 && this._pages.length > 1) this._pages = this._pages.slice(0, -1);
    void this._read();
  }

  /** Reads the filter form; amounts typed in yuan are sent in fen. Null when one is not an amount. */
  private _filterFrom(form: HTMLFormElement): MemberFilter | null {
    const v = formValues(form);
    const yuan = (text: string | undefined) => (text ? parseYuan(text) : undefined);
    const spendMin = yuan(v.spendMin);
    const spendMax = yuan(v.spendMax);
    if (spendMin === null || spendMax === null) return null;
    return {
      ...(v.q ? { q: v.q } : {}),
      ...(v.tier ? { tier: v.tier } : {}),
      ...(v.tag ? { tag: v.tag } : {}),
      ...(v.birthdayMonth ? { birthdayMonth: Number(v.birthdayMonth) } : {}),
      ...(v.lastVisitFrom ? { lastVisitFrom: v.lastVisitFrom } : {}),
      ...(v.lastVisitTo ? { lastVisitTo: v.lastVisitTo } : {}),
      ...(spendMin !== undefined ? { spendMin } : {}),
      ...(spendMax !== undefined ? { spendMax } : {}),
      ...(v.owesStoredValue ? { owesStoredValue: true } : {}),
      ...(v.pointsExpiringDays ? { pointsExpiringDays: Number(v.pointsExpiringDays) } : {}),
    };
  }

  private _apply(event: Event): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const filter = this._filterFrom(form);
    if (!filter) {
      this._error = new InputError('catalog.badAmount');
      return;
    }
    const v = formValues(form);
    this._filter = filter;
    this._sort = (v.sort as MemberSort) || 'joined';
    this._dir = v.dir === 'asc' ? 'asc' : 'desc';
    this._ticked = new Set();
    this.reload();
  }

  private _clear(): void {
    this._filter = {};
    this._sort = 'joined';
    this._dir = 'desc';
    this._ticked = new Set();
    this.reload();
  }

  private async _tag(event: Event, action: 'add' | 'remove'): Promise<void> {
    const v = formValues((event.target as HTMLElement).closest('form') as HTMLFormElement);
    const tag = v.bulkTag ?? '';
    if (!tag) {
      this._error = new InputError('browse.list.tagFirst');
      return;
    }
    const all = v.scope === 'all';
    if (!all && this._ticked.size === 0) {
      this._error = new InputError('browse.list.tickFirst');
      return;
    }
    const done = await this._run(() =>
      bulkTag(this.ctx.auth, {
        action,
        tag,
        ...(all ? { filter: this._filter } : { ids: [...this._ticked] }),
      }),
    );
    if (!done) return;
    await this._read();
    this._done = {
      key: action === 'add' ? 'browse.list.tagAdded' : 'browse.list.tagRemoved',
      options: { tag, count: done.changed },
    };
  }

  private async _export(format: 'csv' | 'xlsx'): Promise<void> {
    const blob = await this._run(() => exportMembers(this.ctx.auth, format, this._filter), {
      key: 'members.exported',
    });
    if (blob) download(blob, `members.${format}`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-member-list': HgMemberList;
  }
}
