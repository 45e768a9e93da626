import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { InputError, RequestError } from '../../../connection/errors.js';
import {
  getStyle,
  lookupBarcode,
  type Style,
  type StyleSummary,
  searchStyles,
} from '../../../data/catalog.js';
import { money, parseYuan, yuanText } from '../../../data/format.js';
import { findFor, findMembers, type Member } from '../../../data/members.js';
import {
  PROMOTION_KINDS,
  type Promotion,
  type PromotionConditions,
  type PromotionDraft,
  type PromotionKind,
  type PromotionPreview,
  type PromotionView,
  previewPromotion,
  type Quote,
  savePromotion,
} from '../../../data/promotions.js';
import type { StoreList } from '../../../data/stores.js';
import { parseZhe, zheInput } from '../../../data/zhe.js';
import type { MessageKey } from '../../../i18n/index.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

/** A choice the editor offers for categories, styles and tiers. */
export interface Choice {
  id: string;
  label: string;
}

/** One SKU in the "try it on a cart" cart. */
interface TryLine {
  barcode: string;
  label: string;
  qty: number;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** "2026-11-24T09:00:00+08:00" → "2026-11-24T09:00" for a datetime-local input (the shop's own clock). */
function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const shifted = new Date(Date.parse(iso) + 8 * 3_600_000);
  return shifted.toISOString().slice(0, 16);
}

/** A datetime-local value, read in the shop's time zone (China has no summer time). */
function isoFromLocal(value: string | undefined): string | undefined {
  return value ? `${value}:00+08:00` : undefined;
}

function numberList(text: string | undefined, max: number): number[] | null {
  if (!text) return [];
  const values = text
    .split(/[\s,，、]+/)
    .filter(Boolean)
    .map(Number);
  return values.every((v) => Number.isInteger(v) && v >= 1 && v <= max) ? values : null;
}

/**
 * The promotion editor: every kind and condition, saved as it is or tried first on a cart of
 * real SKUs with an optional member, showing the priced lines before and after the draft.
 */
@customElement('hg-promotion-editor')
export class HgPromotionEditor extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
        gap: 1.25em;
        align-items: start;
      }
      @media (max-width: 1100px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      form.editor {
        display: flex;
        flex-direction: column;
        gap: 0.75em;
      }
      .quotes {
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      h4 {
        margin: 0 0 0.4em;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12em, 1fr));
        gap: 0.75em 1em;
        align-items: end;
      }
      fieldset {
        border: 1px solid var(--hg-line);
        border-radius: calc(var(--hg-radius) * 0.6);
        padding: 0.75em 1em 1em;
        margin: 0;
      }
      legend {
        font-weight: 600;
        padding: 0 0.3em;
      }
      .checks {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em 1em;
      }
      select[multiple] {
        min-height: 7em;
      }
      .try {
        display: flex;
        flex-direction: column;
        gap: 0.75em;
      }
      .label {
        display: inline-block;
        margin: 0.1em 0.3em 0.1em 0;
        padding: 0 0.4em;
        border-radius: 0.3em;
        background: #fbf3ee;
        font-size: 0.9em;
      }
      .label.draft {
        background: var(--hg-accent);
        color: var(--hg-accent-ink);
      }
      .saving {
        font-size: 1.1em;
        font-weight: 600;
      }
      tfoot td {
        font-weight: 600;
      }
    `,
  ];

  /** The promotion edited; null for a new one. */
  @property({ attribute: false }) promotion: PromotionView | null = null;
  /** Categories to include or exclude. */
  @property({ attribute: false }) categories: Choice[] = [];
  /** Styles to include or exclude. */
  @property({ attribute: false }) styleChoices: Choice[] = [];
  /** The member tiers, by code. */
  @property({ attribute: false }) tiers: Choice[] = [];
  /** The chain's stores: head office aims a promotion at all of them or at the ones it ticks. */
  @property({ attribute: false }) stores: StoreList | null = null;

  @state() private _kind: PromotionKind = 'spend_save';
  @state() private _lines: TryLine[] = [];
  @state() private _found: StyleSummary[] = [];
  @state() private _picked: Style | null = null;
  @state() private _member: Member | null = null;
  @state() private _preview: PromotionPreview | null = null;
  /** Head office's choice: every store of the chain, or the ones ticked. */
  @state() private _someStores = false;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('promotion')) {
      this._kind = this.promotion?.kind ?? 'spend_save';
      this._someStores = this.promotion?.promotion.conditions?.stores !== undefined;
      this._preview = null;
    }
  }

  /** Head office of a chain chooses where a promotion runs; a branch's own run at the branch alone. */
  private get _choosesStores(): boolean {
    return (this.stores?.chain ?? false) && (this.stores?.headOffice ?? false);
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const p = this.promotion?.promotion;
    const c: PromotionConditions = p?.conditions ?? {};
    return html`
      <form class="card editor" @submit=${this._save} @input=${this._changed} aria-label=${p ? t('promo.editTitle', { label: p.label }) : t('promo.newTitle')}>
        <h3>${p ? t('promo.editTitle', { label: p.label }) : t('promo.newTitle')}</h3>
        <div class="grid">
          <label>${t('promo.kind')}
            <select name="kind" @change=${(e: Event) => (this._kind = (e.target as HTMLSelectElement).value as PromotionKind)}>
              ${PROMOTION_KINDS.map((kind) => html`<option value=${kind} ?selected=${kind === this._kind}>${t(`promo.kinds.${kind}`)}</option>`)}
            </select>
          </label>
          <label>${t('promo.label')}<input name="label" required maxlength="40" .value=${p?.label ?? ''} placeholder=${t('promo.labelHint')} /></label>
          <label>${t('promo.priority')}<input name="priority" type="number" min="0" max="1000" .value=${String(p?.priority ?? 100)} /></label>
          <label>${t('promo.group')}<input name="exclusiveGroup" maxlength="40" .value=${p?.exclusiveGroup ?? ''} /></label>
        </div>
        <p class="muted">${t('promo.priorityHint')}</p>
        <fieldset>
          <legend>${t(`promo.kinds.${this._kind}`)}</legend>
          ${this._kindFields(p)}
        </fieldset>
        ${this._storesField(c.stores)}
        <fieldset>
          <legend>${t('promo.conditions')}</legend>
          <div class="grid">
            <label>${t('promo.from')}<input name="from" type="datetime-local" .value=${localInput(c.from)} /></label>
            <label>${t('promo.to')}<input name="to" type="datetime-local" .value=${localInput(c.to)} /></label>
            <label>${t('promo.hoursFrom')}<input name="hoursFrom" type="time" .value=${c.hours?.from ?? ''} /></label>
            <label>${t('promo.hoursTo')}<input name="hoursTo" type="time" .value=${c.hours?.to ?? ''} /></label>
            <label>${t('promo.daysOfMonth')}<input name="daysOfMonth" .value=${(c.daysOfMonth ?? []).join(', ')} placeholder="8, 18, 28" /></label>
            <label>${t('promo.minQty')}<input name="minQty" type="number" min="1" max="9999" .value=${c.minQty ? String(c.minQty) : ''} /></label>
          </div>
          <p>${t('promo.weekdays')}</p>
          <div class="checks">
            ${WEEKDAYS.map((d) => html`<label class="inline"><input type="checkbox" name="weekday" value=${d} ?checked=${c.weekdays?.includes(d) ?? false} />${t(`promo.weekday.${d}`)}</label>`)}
          </div>
          <p>${t('promo.tiers')}</p>
          <div class="checks">
            ${this.tiers.map((tier) => html`<label class="inline"><input type="checkbox" name="tier" value=${tier.id} ?checked=${c.tiers?.includes(tier.id) ?? false} />${tier.label}</label>`)}
          </div>
          <div class="checks">
            <label class="inline"><input type="checkbox" name="membersOnly" ?checked=${c.membersOnly ?? false} />${t('promo.membersOnly')}</label>
            <label class="inline"><input type="checkbox" name="includeSpecialPrice" ?checked=${c.includeSpecialPrice ?? false} />${t('promo.includeSpecial')}</label>
          </div>
          <div class="grid">
            ${this._multi('includeCategories', this.categories, c.includeCategories)}
            ${this._multi('excludeCategories', this.categories, c.excludeCategories)}
            ${this._multi('includeStyles', this.styleChoices, c.includeStyles)}
            ${this._multi('excludeStyles', this.styleChoices, c.excludeStyles)}
          </div>
        </fieldset>
        <div class="checks">
          <label class="inline"><input type="checkbox" name="stacksWithTierDiscount" ?checked=${p?.stacksWithTierDiscount ?? true} />${t('promo.stacks')}</label>
          <label class="inline"><input type="checkbox" name="active" ?checked=${this.promotion?.active ?? true} />${t('promo.activeNow')}</label>
        </div>
        <hg-error detailed .error=${this._error}></hg-error>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button>
          <button type="button" @click=${this._cancel}>${t('common.cancel')}</button>
        </div>
      </form>
      ${this._tryOn()}
    `;
  }

  /** The fields of the kind chosen; a saved rule's rate or price stays when only the kind changes. */
  private _kindFields(p: Promotion | undefined) {
    const t = this._i18n.t.bind(this._i18n);
    const off = p && 'offBp' in p ? zheInput(p.offBp) : '';
    const price = p && 'price' in p ? yuanText(p.price) : '';
    switch (this._kind) {
      case 'percent_off':
      case 'member_day':
        return html`<div class="grid"><label>${t('words.zhe.percentField')}<input name="zhe" inputmode="decimal" required .value=${off} /></label></div>
          ${this._kind === 'member_day' ? html`<p class="muted">${t('promo.memberDayHint')}</p>` : nothing}`;
      case 'fixed_price':
        return html`<div class="grid"><label>${t('promo.fixedPrice')}<input name="price" inputmode="decimal" required .value=${price} /></label></div>`;
      case 'nth_item':
        return html`<div class="grid">
          <label>${t('promo.n')}<input name="n" type="number" min="2" max="100" required .value=${String(p?.kind === 'nth_item' ? p.n : 2)} /></label>
          <label>${t('words.zhe.percentField')}<input name="zhe" inputmode="decimal" required .value=${off || '5'} /></label>
        </div>`;
      case 'bundle':
        return html`<div class="grid">
          <label>${t('promo.bundleQty')}<input name="qty" type="number" min="2" max="100" required .value=${String(p?.kind === 'bundle' ? p.qty : 3)} /></label>
          <label>${t('promo.bundlePrice')}<input name="price" inputmode="decimal" required .value=${price} /></label>
        </div>`;
      default: {
        const rule = p?.kind === 'spend_save' ? p : undefined;
        return html`<label>${t('promo.steps')}
            <textarea name="steps" rows="3" required placeholder="300 50">${(rule?.steps ?? []).map((s) => `${yuanText(s.threshold)} ${yuanText(s.off)}`).join('\n')}</textarea>
          </label>
          <p class="muted">${t('promo.stepsHint')}</p>
          <div class="checks">
            <label class="inline"><input type="checkbox" name="repeat" ?checked=${rule?.repeat ?? false} />${t('promo.repeat')}</label>
            <label class="inline">${t('promo.maxTimes')}<input name="maxTimes" type="number" min="1" max="1000" .value=${rule?.maxTimes ? String(rule.maxTimes) : ''} /></label>
          </div>`;
      }
    }
  }

  /** 全部门店, or a checklist of the chain's stores (head office only). */
  private _storesField(chosen: readonly string[] | undefined) {
    if (!this._choosesStores || !this.stores) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    const pick = (some: boolean) => () => {
      this._someStores = some;
      this._changed();
    };
    return html`<fieldset data-stores>
      <legend>${t('promoStores.legend')}</legend>
      <div class="checks">
        <label class="inline"><input type="radio" name="storeScope" value="all" .checked=${!this._someStores} @change=${pick(false)} />${t('promoStores.all')}</label>
        <label class="inline"><input type="radio" name="storeScope" value="some" .checked=${this._someStores} @change=${pick(true)} />${t('promoStores.some')}</label>
      </div>
      ${
        this._someStores
          ? html`<div class="checks">
              ${this.stores.items.map((store) => html`<label class="inline"><input type="checkbox" name="store" value=${store.id} ?checked=${chosen?.includes(store.id) ?? false} />${t('chain.storeOf', { name: store.name, code: store.code })}</label>`)}
            </div>`
          : nothing
      }
    </fieldset>`;
  }

  private _multi(name: keyof PromotionConditions, choices: Choice[], chosen: readonly string[] | undefined) {
    return html`<label>${this._i18n.t(`promo.${name}` as MessageKey)}
      <select name=${name} multiple size="4">
        ${choices.map((choice) => html`<option value=${choice.id} ?selected=${chosen?.includes(choice.id) ?? false}>${choice.label}</option>`)}
      </select>
    </label>`;
  }

  private _tryOn() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card try" aria-labelledby="try-title">
      <h3 id="try-title">${t('promo.tryTitle')}</h3>
      <p class="muted">${t('promo.tryHint')}</p>
      <form class="row" @submit=${this._findGoods} aria-label=${t('promo.addGoods')}>
        <label>${t('promo.goods')}<input name="goods" autocomplete="off" placeholder=${t('promo.goodsHint')} /></label>
        <button type="submit">${t('promo.add')}</button>
      </form>
      ${this._found.length > 0 ? html`<div class="actions">${this._found.map((style) => html`<button type="button" @click=${() => this._pickStyle(style)}>${style.styleCode} ${style.name}</button>`)}</div>` : nothing}
      ${this._picked ? html`<div class="actions" aria-label=${this._picked.name}>${this._picked.skus.map((sku) => html`<button type="button" @click=${() => this._addLine(sku.barcode, `${this._picked?.name ?? ''} ${sku.color}/${sku.size}`)}>${sku.color} ${sku.size}</button>`)}</div>` : nothing}
      ${
        this._lines.length > 0
          ? html`<table><thead><tr><th>${t('promo.goods')}</th><th class="num">${t('promo.qty')}</th><th><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead><tbody>
          ${this._lines.map(
            (line, i) => html`<tr><td>${line.label} <code class="muted">${line.barcode}</code></td>
            <td class="num"><input type="number" min="1" max="999" .value=${String(line.qty)} aria-label=${t('promo.qty')} @change=${(e: Event) => this._setQty(i, e)} /></td>
            <td><button type="button" class="link" @click=${() => this._removeLine(i)}>${t('promo.remove')}</button></td></tr>`,
          )}
          </tbody></table>`
          : html`<p class="empty">${t('promo.noGoods')}</p>`
      }
      <form class="row" @submit=${this._findMember} aria-label=${t('promo.member')}>
        <label>${t('promo.member')}<input name="member" autocomplete="off" placeholder=${t('promo.memberHint')} /></label>
        <button type="submit">${t('common.search')}</button>
        ${this._member ? html`<span>${this._member.name} · ${this._member.tier.name} <button type="button" class="link" @click=${() => (this._member = null)}>${t('promo.remove')}</button></span>` : nothing}
      </form>
      <div class="actions">
        <button type="button" class="primary" data-action="try" ?disabled=${this._busy || this._lines.length === 0} @click=${this._try}>${t('promo.tryButton')}</button>
      </div>
      ${this._preview ? this._previewView(this._preview) : nothing}
    </section>`;
  }

  private _previewView(preview: PromotionPreview) {
    const t = this._i18n.t.bind(this._i18n);
    const saved = preview.before.total - preview.after.total;
    return html`<p class="saving" role="status">${saved >= 0 ? t('promo.saves', { amount: money(saved) }) : t('promo.costs', { amount: money(-saved) })}</p>
      <div class="quotes">
        ${this._quote(t('promo.before'), preview.before, null)}
        ${this._quote(t('promo.after'), preview.after, preview.draftId)}
      </div>`;
  }

  private _quote(title: string, quote: Quote, draftId: string | null) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<div data-quote=${draftId ? 'after' : 'before'}>
      <h4>${title}</h4>
      <table>
        <thead><tr><th>${t('promo.goods')}</th><th class="num">${t('promo.qty')}</th><th>${t('promo.discounts')}</th><th class="num">${t('promo.lineTotal')}</th></tr></thead>
        <tbody>
          ${quote.lines.map(
            (line) => html`<tr>
            <td>${line.name} ${line.color}/${line.size}<br /><span class="muted">${money(line.listPrice)}</span></td>
            <td class="num">${line.qty}</td>
            <td>${line.discounts.map((d) => html`<span class=${draftId !== null && d.ref === draftId ? 'label draft' : 'label'}>${d.label} −${money(d.amount)}</span>`)}</td>
            <td class="num">${money(line.total)}</td>
          </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr><td colspan="3">${t('promo.subtotal')}</td><td class="num">${money(quote.subtotal)}</td></tr>
          <tr><td colspan="3">${t('promo.discountTotal')}</td><td class="num">${quote.discountTotal > 0 ? `−${money(quote.discountTotal)}` : money(0)}</td></tr>
          <tr><td colspan="3">${t('promo.total')}</td><td class="num" data-total>${money(quote.total)}</td></tr>
        </tfoot>
      </table>
    </div>`;
  }

  private _changed(): void {
    // A preview shown for an earlier draft no longer says the truth.
    this._preview = null;
  }

  private _form(): HTMLFormElement {
    return this.renderRoot.querySelector('form.editor') as HTMLFormElement;
  }

  /** The form as a promotion, or null with the error shown. */
  private _draft(): PromotionDraft | null {
    const form = this._form();
    if (!form.reportValidity()) return null;
    const v = formValues(form);
    const data = new FormData(form);
    const bad = (key: MessageKey) => {
      this._error = new InputError(key);
      return null;
    };
    const selected = (name: string) => {
      const values = data.getAll(name).map(String);
      return values.length > 0 ? values : undefined;
    };
    const days = numberList(v.daysOfMonth, 31);
    if (days === null) return bad('promo.badDays');
    if (Boolean(v.hoursFrom) !== Boolean(v.hoursTo)) return bad('promo.badHours');
    const weekdays = data.getAll('weekday').map(Number);
    const stores = this._choosesStores && this._someStores ? data.getAll('store').map(String) : undefined;
    if (stores?.length === 0) return bad('promoStores.none');
    const conditions: PromotionConditions = {
      ...(v.from && { from: isoFromLocal(v.from) }),
      ...(v.to && { to: isoFromLocal(v.to) }),
      ...(weekdays.length > 0 && { weekdays }),
      ...(days.length > 0 && { daysOfMonth: days }),
      ...(v.hoursFrom && v.hoursTo && { hours: { from: v.hoursFrom, to: v.hoursTo } }),
      ...(stores && { stores }),
      ...(selected('tier') && { tiers: selected('tier') }),
      ...(data.has('membersOnly') && { membersOnly: true }),
      ...(selected('includeCategories') && { includeCategories: selected('includeCategories') }),
      ...(selected('excludeCategories') && { excludeCategories: selected('excludeCategories') }),
      ...(selected('includeStyles') && { includeStyles: selected('includeStyles') }),
      ...(selected('excludeStyles') && { excludeStyles: selected('excludeStyles') }),
      ...(data.has('includeSpecialPrice') && { includeSpecialPrice: true }),
      ...(v.minQty && { minQty: Math.trunc(Number(v.minQty)) }),
    };
    const base = {
      label: v.label ?? '',
      priority: Math.trunc(Number(v.priority || 100)),
      exclusiveGroup: v.exclusiveGroup || null,
      stacksWithTierDiscount: data.has('stacksWithTierDiscount'),
      conditions,
      active: data.has('active'),
    };
    const zhe = parseZhe(v.zhe ?? '');
    const kind = this._kind;
    switch (kind) {
      case 'percent_off':
      case 'member_day':
        return zhe.ok ? { ...base, kind, offBp: zhe.offBp } : bad(`words.zhe.${zhe.reason}`);
      case 'nth_item':
        return zhe.ok
          ? { ...base, kind, n: Math.trunc(Number(v.n)), offBp: zhe.offBp }
          : bad(`words.zhe.${zhe.reason}`);
      case 'fixed_price':
      case 'bundle': {
        const price = parseYuan(v.price ?? '');
        if (price === null) return bad('catalog.badAmount');
        return kind === 'bundle'
          ? { ...base, kind, qty: Math.trunc(Number(v.qty)), price }
          : { ...base, kind, price };
      }
      case 'spend_save': {
        const steps: { threshold: number; off: number }[] = [];
        for (const line of (v.steps ?? '').split('\n')) {
          if (!line.trim()) continue;
          const [threshold, off] = line
            .trim()
            .split(/\s+/)
            .map((part) => parseYuan(part));
          if (threshold == null || off == null) return bad('promo.badSteps');
          steps.push({ threshold, off });
        }
        return {
          ...base,
          kind,
          steps,
          ...(data.has('repeat') && { repeat: true }),
          ...(v.maxTimes && { maxTimes: Math.trunc(Number(v.maxTimes)) }),
        };
      }
    }
  }

  private async _save(event: Event): Promise<void> {
    event.preventDefault();
    this._error = null;
    const draft = this._draft();
    if (!draft) return;
    const saved = await this._run(() => savePromotion(this.ctx.auth, this.promotion?.id ?? null, draft));
    if (saved)
      this.dispatchEvent(
        new CustomEvent<PromotionView>('promotion-saved', { detail: saved, bubbles: true, composed: true }),
      );
  }

  private _cancel(): void {
    this.dispatchEvent(new CustomEvent('editor-closed', { bubbles: true, composed: true }));
  }

  private async _try(): Promise<void> {
    this._error = null;
    const draft = this._draft();
    if (!draft) return;
    const preview = await this._run(() =>
      previewPromotion(this.ctx.auth, {
        ...(this.promotion && { id: this.promotion.id }),
        promotion: draft,
        ...(this._member && { memberId: this._member.id }),
        lines: this._lines.map((line) => ({ barcode: line.barcode, qty: line.qty })),
      }),
    );
    if (preview) this._preview = preview;
  }

  private async _findGoods(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const text = formValues(form).goods ?? '';
    if (!text) return;
    this._found = [];
    this._picked = null;
    const found = await this._run(async () => {
      try {
        const sku = await lookupBarcode(this.ctx.auth, text);
        this._addLine(sku.barcode, `${sku.name} ${sku.color}/${sku.size}`);
        return true;
      } catch (error) {
        if (!(error instanceof RequestError) || error.code !== 'not_found') throw error;
      }
      const styles = (await searchStyles(this.ctx.auth, { q: text, limit: 8 })).items;
      if (styles.length === 1 && styles[0]) await this._pickStyle(styles[0]);
      else this._found = styles;
      return styles.length > 0;
    });
    if (found) form.reset();
  }

  private async _pickStyle(style: StyleSummary): Promise<void> {
    const full = await this._run(() => getStyle(this.ctx.auth, style.id));
    if (full) this._picked = full;
  }

  private _addLine(barcode: string, label: string): void {
    const same = this._lines.findIndex((line) => line.barcode === barcode);
    this._lines =
      same >= 0
        ? this._lines.map((line, i) => (i === same ? { ...line, qty: line.qty + 1 } : line))
        : [...this._lines, { barcode, label, qty: 1 }];
    this._preview = null;
  }

  private _setQty(index: number, event: Event): void {
    const qty = Math.max(1, Math.trunc(Number((event.target as HTMLInputElement).value) || 1));
    this._lines = this._lines.map((line, i) => (i === index ? { ...line, qty } : line));
    this._preview = null;
  }

  private _removeLine(index: number): void {
    this._lines = this._lines.filter((_, i) => i !== index);
    this._preview = null;
  }

  private async _findMember(event: Event): Promise<void> {
    event.preventDefault();
    const text = formValues(event.target as HTMLFormElement).member ?? '';
    if (!text) return;
    const found = await this._run(() => findMembers(this.ctx.auth, findFor(text)));
    if (found) {
      this._member = found[0] ?? null;
      if (!found[0]) this._error = new InputError('promo.noMember', {}, 'not_found');
    }
    this._preview = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-promotion-editor': HgPromotionEditor;
  }
  interface HTMLElementEventMap {
    'promotion-saved': CustomEvent<PromotionView>;
    'editor-closed': CustomEvent<void>;
  }
}
