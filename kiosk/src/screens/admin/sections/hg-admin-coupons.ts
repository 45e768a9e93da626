import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { InputError } from '../../../connection/errors.js';
import { date, money, parseYuan } from '../../../data/format.js';
import { findFor, findMembers } from '../../../data/members.js';
import {
  type CouponTemplate,
  type CouponTrigger,
  createCouponTemplate,
  issueCoupons,
  listCouponTemplates,
  type NewCouponTemplate,
} from '../../../data/promotions.js';
import { parseZhe, zheText } from '../../../data/zhe.js';
import { AdminSection, formValues } from '../context.js';
import type { Choice } from './hg-promotion-editor.js';

const TRIGGERS: readonly CouponTrigger[] = ['manual', 'signup', 'birthday', 'tier_upgrade'];

/** Coupon templates (list, create) and issuing coupons to members or to a segment by tier or tag. */
@customElement('hg-admin-coupons')
export class HgAdminCoupons extends AdminSection {
  /** The member tiers, by code, for segments and tier-upgrade coupons. */
  @property({ attribute: false }) tiers: Choice[] = [];

  @state() private _templates: CouponTemplate[] = [];
  @state() private _target: 'members' | 'segment' = 'segment';
  /** What the last action did, said in the language shown now. */
  @state() private _note:
    | { key: 'coupon.created'; name: string }
    | { key: 'coupon.issued'; issued: number; skipped: number }
    | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._note && !this._error ? html`<p class="done" role="status">${t(this._note.key, { ...this._note, key: undefined })}</p>` : nothing}
      <section class="card">
        <h3>${t('coupon.templates')}</h3>
        ${
          this._templates.length === 0
            ? html`<p class="empty">${t('coupon.none')}</p>`
            : html`<table>
          <thead><tr><th>${t('coupon.name')}</th><th>${t('coupon.value')}</th><th class="num">${t('coupon.minSpend')}</th><th>${t('coupon.validity')}</th><th>${t('coupon.trigger')}</th><th>${t('coupon.perMember')}</th></tr></thead>
          <tbody>${this._templates.map(
            (tpl) => html`<tr>
              <td>${tpl.name}${tpl.active ? nothing : html` <span class="badge bad">${t('coupon.off')}</span>`}</td>
              <td>${tpl.kind === 'amount' ? t('coupon.amountOff', { amount: money(tpl.value) }) : zheText(tpl.value * 100)}</td>
              <td class="num">${tpl.minSpend > 0 ? money(tpl.minSpend) : '—'}</td>
              <td>${tpl.validDays ? t('coupon.days', { days: tpl.validDays }) : `${date(tpl.validFrom)} – ${date(tpl.validTo)}`}</td>
              <td>${t(`coupon.triggers.${tpl.trigger}`)}</td>
              <td>${tpl.perMemberLimit ?? '∞'}</td>
            </tr>`,
          )}</tbody>
        </table>`
        }
      </section>
      <section class="card">
        <h3>${t('coupon.newTemplate')}</h3>
        <form class="grid" @submit=${this._create} aria-label=${t('coupon.newTemplate')}>
          <label>${t('coupon.name')}<input name="name" required maxlength="40" /></label>
          <label>${t('coupon.kind')}
            <select name="kind"><option value="amount">${t('coupon.kindAmount')}</option><option value="percent">${t('coupon.kindPercent')}</option></select>
          </label>
          <label>${t('coupon.valueInput')}<input name="value" inputmode="decimal" required /></label>
          <label>${t('coupon.minSpendYuan')}<input name="minSpend" inputmode="decimal" value="0" /></label>
          <label>${t('coupon.validDays')}<input name="validDays" type="number" min="1" max="3650" value="30" /></label>
          <label>${t('coupon.validTo')}<input name="validTo" type="date" /></label>
          <label>${t('coupon.perMember')}<input name="perMemberLimit" type="number" min="1" max="100" value="1" /></label>
          <label>${t('coupon.trigger')}
            <select name="trigger">${TRIGGERS.map((tr) => html`<option value=${tr}>${t(`coupon.triggers.${tr}`)}</option>`)}</select>
          </label>
          <label>${t('coupon.triggerTier')}
            <select name="triggerTierCode"><option value="">—</option>${this.tiers.map((tier) => html`<option value=${tier.id}>${tier.label}</option>`)}</select>
          </label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('coupon.create')}</button></div>
        </form>
        <p class="muted">${t('coupon.validHint')}</p>
      </section>
      <section class="card">
        <h3>${t('coupon.issue')}</h3>
        <form class="grid" @submit=${this._issue} aria-label=${t('coupon.issue')}>
          <label>${t('coupon.template')}
            <select name="templateId" required>${this._templates.filter((tpl) => tpl.active).map((tpl) => html`<option value=${tpl.id}>${tpl.name}</option>`)}</select>
          </label>
          <label>${t('coupon.to')}
            <select name="target" @change=${(e: Event) => (this._target = (e.target as HTMLSelectElement).value as 'members' | 'segment')}>
              <option value="segment" ?selected=${this._target === 'segment'}>${t('coupon.toSegment')}</option>
              <option value="members" ?selected=${this._target === 'members'}>${t('coupon.toMembers')}</option>
            </select>
          </label>
          ${
            this._target === 'members'
              ? html`<label>${t('coupon.phones')}<input name="phones" required placeholder="13800138000, 13900139000" /></label>`
              : html`<label>${t('coupon.tier')}
                  <select name="tierCode"><option value="">${t('coupon.anyTier')}</option>${this.tiers.map((tier) => html`<option value=${tier.id}>${tier.label}</option>`)}</select>
                </label>
                <label>${t('coupon.tag')}<input name="tag" maxlength="20" /></label>`
          }
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy || this._templates.length === 0}>${t('coupon.issueButton')}</button></div>
        </form>
      </section>
    `;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() => listCouponTemplates(this.ctx.auth));
    if (loaded) this._templates = loaded;
    this._done = done;
  }

  private _bad(): void {
    this._error = new InputError('catalog.badAmount');
  }

  private async _create(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const kind = v.kind === 'percent' ? 'percent' : 'amount';
    const zhe = parseZhe(v.value ?? '');
    // A 折扣券 is kept in whole percent off: 8.5折 is 15, 8.85折 cannot be one.
    if (kind === 'percent' && (!zhe.ok || zhe.offBp % 100 !== 0)) {
      this._error = new InputError(`words.zhe.${zhe.ok ? 'too_precise' : zhe.reason}`);
      return;
    }
    const value = kind === 'amount' ? parseYuan(v.value ?? '') : zhe.ok ? zhe.offBp / 100 : null;
    const minSpend = parseYuan(v.minSpend || '0');
    if (value === null || !Number.isFinite(value) || minSpend === null) return this._bad();
    const template: NewCouponTemplate = {
      name: v.name ?? '',
      kind,
      value,
      minSpend,
      ...(v.validTo ? { validTo: v.validTo } : { validDays: Math.trunc(Number(v.validDays || 30)) }),
      perMemberLimit: v.perMemberLimit ? Math.trunc(Number(v.perMemberLimit)) : null,
      trigger: (v.trigger ?? 'manual') as CouponTrigger,
      ...(v.triggerTierCode && { triggerTierCode: v.triggerTierCode }),
      active: true,
    };
    this._note = null;
    const made = await this._run(() => createCouponTemplate(this.ctx.auth, template));
    if (made) {
      form.reset();
      await this._load();
      this._note = { key: 'coupon.created', name: template.name };
    }
  }

  private async _issue(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const templateId = v.templateId ?? '';
    const result = await this._run(async () => {
      if (this._target === 'members') {
        const memberIds: string[] = [];
        for (const phone of (v.phones ?? '').split(/[\s,，、]+/).filter(Boolean)) {
          const found = await findMembers(this.ctx.auth, findFor(phone));
          if (!found[0]) throw new InputError('coupon.unknownMember', { phone }, 'not_found');
          memberIds.push(found[0].id);
        }
        return issueCoupons(this.ctx.auth, templateId, { memberIds });
      }
      if (!v.tierCode && !v.tag) throw new InputError('coupon.needSegment');
      return issueCoupons(this.ctx.auth, templateId, {
        segment: { ...(v.tierCode && { tierCode: v.tierCode }), ...(v.tag && { tag: v.tag }) },
      });
    });
    this._note = result
      ? { key: 'coupon.issued', issued: result.issued.length, skipped: result.skipped.length }
      : null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-coupons': HgAdminCoupons;
  }
}
