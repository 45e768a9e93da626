import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import './hg-admin-referrals.js';
import { InputError } from '../../../connection/errors.js';
import { count, money, parseYuan, yuanText } from '../../../data/format.js';
import {
  type LoyaltySettings,
  type LoyaltyTier,
  loyaltySettings,
  type SettingKey,
  saveSetting,
  saveTier,
} from '../../../data/loyalty.js';
import { parseZhe, zheInput, zheText } from '../../../data/zhe.js';
import { AdminSection, formValues } from '../context.js';

/** A tier's price share (basis points of the price paid) in its 折 field: 9500 → "95", none → "". */
function tierZhe(bp: number): string {
  return bp >= 10_000 ? '' : zheInput(10_000 - bp);
}

/** A tier's 折 field as the share of the price paid (empty: no discount), or why it cannot be. */
function tierShare(typed: string): number | 'not_a_number' | 'out_of_range' | 'too_precise' {
  if (!typed.trim()) return 10_000;
  const zhe = parseZhe(typed);
  if (!zhe.ok) return zhe.reason === 'empty' ? 10_000 : zhe.reason;
  return 10_000 - zhe.offBp;
}

/** Loyalty settings: tiers and their lines and benefits, points earning and expiry, redemption, top-up bonus. */
@customElement('hg-admin-loyalty')
export class HgAdminLoyalty extends AdminSection {
  @state() private _settings: LoyaltySettings | null = null;
  @state() private _tiers: LoyaltyTier[] = [];
  @state() private _editing: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const settings = this._settings;
    return html`
      <h2>${t('admin.nav.loyalty')}</h2>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      <section class="card">
        <h3>${t('loyalty.tiers')}</h3>
        <p class="muted">${t('loyalty.tiersHint')}</p>
        <table>
          <thead><tr>
            <th>${t('loyalty.tierName')}</th><th class="num">${t('loyalty.spend12m')}</th><th class="num">${t('loyalty.spendLifetime')}</th>
            <th class="num">${t('loyalty.pointsEarned')}</th><th class="num">${t('loyalty.visits')}</th>
            <th class="num">${t('loyalty.pays')}</th><th class="num">${t('loyalty.multiplier')}</th><th><span class="visually-hidden">${t('common.actions')}</span></th>
          </tr></thead>
          <tbody>
            ${this._tiers.map((tier) => this._tierRow(tier))}
          </tbody>
        </table>
      </section>
      ${settings ? this._settingsView(settings) : nothing}
    `;
  }

  private _tierRow(tier: LoyaltyTier) {
    const t = this._i18n.t.bind(this._i18n);
    const line = (value: number | null, fen: boolean) =>
      value === null ? '—' : fen ? money(value) : count(value);
    return html`<tr>
        <td>${tier.name}</td>
        <td class="num">${line(tier.minSpend12m, true)}</td>
        <td class="num">${line(tier.minSpendLifetime, true)}</td>
        <td class="num">${line(tier.minPointsEarned, false)}</td>
        <td class="num">${line(tier.minVisits, false)}</td>
        <td class="num">${this._zhe(tier.discountRegularBp)}</td>
        <td class="num">×${(tier.pointsMultiplierPct / 100).toFixed(1)}</td>
        <td><button type="button" aria-expanded=${this._editing === tier.code} @click=${() => (this._editing = this._editing === tier.code ? null : tier.code)}>
          ${t('common.edit')}<span class="visually-hidden"> ${tier.name}</span></button></td>
      </tr>
      ${this._editing === tier.code ? html`<tr><td colspan="8">${this._tierForm(tier)}</td></tr>` : nothing}`;
  }

  private _tierForm(tier: LoyaltyTier) {
    const t = this._i18n.t.bind(this._i18n);
    const yuan = (fen: number | null) => (fen === null ? '' : yuanText(fen));
    return html`<form class="grid" @submit=${(e: Event) => this._saveTier(e, tier)} aria-label=${t('loyalty.editTier', { name: tier.name })}>
      <label>${t('loyalty.tierName')}<input name="name" required .value=${tier.name} maxlength="20" /></label>
      <label>${t('loyalty.spend12mYuan')}<input name="minSpend12m" inputmode="decimal" .value=${yuan(tier.minSpend12m)} /></label>
      <label>${t('loyalty.spendLifetimeYuan')}<input name="minSpendLifetime" inputmode="decimal" .value=${yuan(tier.minSpendLifetime)} /></label>
      <label>${t('loyalty.pointsEarned')}<input name="minPointsEarned" type="number" min="0" .value=${tier.minPointsEarned?.toString() ?? ''} /></label>
      <label>${t('loyalty.visits')}<input name="minVisits" type="number" min="0" .value=${tier.minVisits?.toString() ?? ''} /></label>
      <label>${t('loyalty.paysRegular')}<input name="discountRegular" inputmode="decimal" placeholder=${t('tillWords.zheOrNone')} .value=${tierZhe(tier.discountRegularBp)} /></label>
      <label>${t('loyalty.paysSpecial')}<input name="discountSpecial" inputmode="decimal" placeholder=${t('tillWords.zheOrNone')} .value=${tierZhe(tier.discountSpecialBp)} /></label>
      <label>${t('loyalty.multiplierPct')}<input name="multiplier" type="number" min="0" max="1000" .value=${String(tier.pointsMultiplierPct)} /></label>
      <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
    </form>`;
  }

  private _settingsView(settings: LoyaltySettings) {
    const t = this._i18n.t.bind(this._i18n);
    const expiry = settings.expiry;
    return html`
      <section class="card">
        <h3>${t('loyalty.earn')}</h3>
        <form class="grid" @submit=${(e: Event) => this._saveEarn(e, settings)} aria-label=${t('loyalty.earn')}>
          <label>${t('loyalty.pointsPerYuan')}<input name="pointsPerYuan" type="number" min="0" max="1000" .value=${String(settings.earn.pointsPerYuan)} /></label>
          <label>${t('loyalty.memberDayMultiplier')}<input name="multiplierPct" type="number" min="100" max="1000" .value=${String(settings.earn.memberDays.multiplierPct)} /></label>
          <div class="actions"><button type="submit" class="primary">${t('common.save')}</button></div>
        </form>
      </section>
      <section class="card">
        <h3>${t('loyalty.expiry')}</h3>
        <p>${expiry.mode === 'months' ? t('loyalty.expiryMonths', { months: expiry.months }) : t('loyalty.expiryClearing', { month: expiry.month, day: expiry.day, years: expiry.yearsAfter })}</p>
        <form class="grid" @submit=${this._saveExpiry} aria-label=${t('loyalty.expiry')}>
          <label>${t('loyalty.expiryMode')}
            <select name="mode">
              <option value="clearing" ?selected=${expiry.mode === 'clearing'}>${t('loyalty.modeClearing')}</option>
              <option value="months" ?selected=${expiry.mode === 'months'}>${t('loyalty.modeMonths')}</option>
            </select>
          </label>
          <label>${t('loyalty.months')}<input name="months" type="number" min="1" max="120" .value=${expiry.mode === 'months' ? String(expiry.months) : '24'} /></label>
          <label>${t('loyalty.clearMonth')}<input name="month" type="number" min="1" max="12" .value=${expiry.mode === 'clearing' ? String(expiry.month) : '12'} /></label>
          <label>${t('loyalty.clearDay')}<input name="day" type="number" min="1" max="31" .value=${expiry.mode === 'clearing' ? String(expiry.day) : '31'} /></label>
          <label>${t('loyalty.yearsAfter')}<input name="yearsAfter" type="number" min="0" max="5" .value=${expiry.mode === 'clearing' ? String(expiry.yearsAfter) : '1'} /></label>
          <div class="actions"><button type="submit" class="primary">${t('common.save')}</button></div>
        </form>
      </section>
      <section class="card">
        <h3>${t('loyalty.redeem')}</h3>
        <form class="grid" @submit=${this._saveRedeem} aria-label=${t('loyalty.redeem')}>
          <label>${t('loyalty.redeemPointsPerYuan')}<input name="pointsPerYuan" type="number" min="1" .value=${String(settings.redeem.pointsPerYuan)} /></label>
          <label>${t('loyalty.maxShare')}<input name="maxShare" type="number" min="0" max="100" .value=${String(settings.redeem.maxShareBp / 100)} /></label>
          <div class="actions"><button type="submit" class="primary">${t('common.save')}</button></div>
        </form>
      </section>
      <section class="card">
        <h3>${t('loyalty.topUp')}</h3>
        <form @submit=${this._saveTopUp} aria-label=${t('loyalty.topUp')}>
          <label>
            ${t('loyalty.topUpRules')}
            <textarea name="rules" rows="4" cols="30">${settings.topUpBonus.map((rule) => `${yuanText(rule.minAmount)} ${yuanText(rule.bonus)}`).join('\n')}</textarea>
          </label>
          <p class="muted">${t('loyalty.topUpHint')}</p>
          <div class="row">
            <label>${t('loyalty.pinAbove')}<input name="pinAbove" inputmode="decimal" .value=${yuanText(settings.storedValue.pinAbove)} /></label>
            <button type="submit" class="primary">${t('common.save')}</button>
          </div>
        </form>
      </section>
      <section class="card">
        <h3>${t('loyalty.review')}</h3>
        <form class="grid" @submit=${this._saveReview} aria-label=${t('loyalty.review')}>
          <label>${t('loyalty.everyDays')}<input name="everyDays" type="number" min="1" max="366" .value=${String(settings.tierReview.everyDays)} /></label>
          <label>${t('loyalty.graceDays')}<input name="graceDays" type="number" min="0" max="366" .value=${String(settings.tierReview.graceDays)} /></label>
          <div class="actions"><button type="submit" class="primary">${t('common.save')}</button></div>
        </form>
      </section>
      <section class="card">
        <h3>${t('loyalty.storeLimits')}</h3>
        <p class="muted">${t('loyalty.storeLimitsHint')}</p>
        <form class="grid" @submit=${this._saveStoreLimits} aria-label=${t('loyalty.storeLimits')}>
          <label>${t('loyalty.pointsAdjustLimit')}<input name="pointsAdjust" type="number" min="0" .value=${String(settings.storeLimits.pointsAdjust)} /></label>
          <label>${t('loyalty.storedValueRefundLimit')}<input name="storedValueRefund" inputmode="decimal" .value=${yuanText(settings.storeLimits.storedValueRefund)} /></label>
          <div class="actions"><button type="submit" class="primary">${t('common.save')}</button></div>
        </form>
      </section>
      <hg-admin-referrals .ctx=${this.ctx}></hg-admin-referrals>
    `;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() => loyaltySettings(this.ctx.auth));
    if (loaded) {
      this._settings = loaded.settings;
      this._tiers = [...loaded.tiers].sort((a, b) => a.rank - b.rank);
    }
    this._done = done;
  }

  private async _save<K extends SettingKey>(key: K, value: LoyaltySettings[K]): Promise<void> {
    const saved = await this._run(() => saveSetting(this.ctx.auth, key, value), { key: 'common.saved' });
    if (saved) this._settings = saved;
  }

  /** A tier's price share as the shop says it: 9500 → 95折, 10000 → 不打折. */
  private _zhe(bp: number): string {
    return bp >= 10_000 ? this._i18n.t('tillWords.noDiscount') : zheText(10_000 - bp);
  }

  private _bad(): void {
    this._error = new InputError('catalog.badAmount');
  }

  private async _saveTier(event: Event, tier: LoyaltyTier): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const fen = (text: string | undefined) => (text ? parseYuan(text) : null);
    const whole = (text: string | undefined) => (text ? Math.trunc(Number(text)) : null);
    const spend12m = fen(v.minSpend12m);
    const lifetime = fen(v.minSpendLifetime);
    if ((v.minSpend12m && spend12m === null) || (v.minSpendLifetime && lifetime === null)) return this._bad();
    const regular = tierShare(v.discountRegular ?? '');
    const special = tierShare(v.discountSpecial ?? '');
    for (const typed of [regular, special]) {
      if (typeof typed === 'string') {
        this._error = new InputError(`words.zhe.${typed}`);
        return;
      }
    }
    const changed: LoyaltyTier = {
      ...tier,
      name: v.name ?? tier.name,
      minSpend12m: spend12m,
      minSpendLifetime: lifetime,
      minPointsEarned: whole(v.minPointsEarned),
      minVisits: whole(v.minVisits),
      discountRegularBp: regular as number,
      discountSpecialBp: special as number,
      pointsMultiplierPct: Math.trunc(Number(v.multiplier)),
    };
    if ((await this._run(() => saveTier(this.ctx.auth, changed), { key: 'common.saved' })) !== undefined) {
      this._editing = null;
      await this._load();
    }
  }

  private async _saveEarn(event: Event, settings: LoyaltySettings): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    await this._save('earn', {
      ...settings.earn,
      pointsPerYuan: Math.trunc(Number(v.pointsPerYuan)),
      memberDays: { ...settings.earn.memberDays, multiplierPct: Math.trunc(Number(v.multiplierPct)) },
    });
  }

  private async _saveExpiry(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    await this._save(
      'expiry',
      v.mode === 'months'
        ? { mode: 'months', months: Math.trunc(Number(v.months)) }
        : {
            mode: 'clearing',
            month: Math.trunc(Number(v.month)),
            day: Math.trunc(Number(v.day)),
            yearsAfter: Math.trunc(Number(v.yearsAfter)),
          },
    );
  }

  private async _saveRedeem(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    await this._save('redeem', {
      pointsPerYuan: Math.trunc(Number(v.pointsPerYuan)),
      maxShareBp: Math.round(Number(v.maxShare) * 100),
    });
  }

  private async _saveTopUp(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const rules: { minAmount: number; bonus: number }[] = [];
    for (const line of (v.rules ?? '').split('\n')) {
      if (!line.trim()) continue;
      const [min, bonus] = line.trim().split(/\s+/);
      const minAmount = parseYuan(min ?? '');
      const bonusFen = parseYuan(bonus ?? '');
      if (minAmount === null || bonusFen === null) return this._bad();
      rules.push({ minAmount, bonus: bonusFen });
    }
    const pinAbove = parseYuan(v.pinAbove ?? '');
    if (pinAbove === null) return this._bad();
    await this._save('topUpBonus', rules);
    if (!this._error) await this._save('storedValue', { pinAbove });
  }

  private async _saveStoreLimits(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const pointsAdjust = Number(v.pointsAdjust);
    const storedValueRefund = parseYuan(v.storedValueRefund ?? '');
    if (!Number.isInteger(pointsAdjust) || pointsAdjust < 0 || storedValueRefund === null) return this._bad();
    await this._save('storeLimits', { pointsAdjust, storedValueRefund });
  }

  private async _saveReview(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    await this._save('tierReview', {
      everyDays: Math.trunc(Number(v.everyDays)),
      graceDays: Math.trunc(Number(v.graceDays)),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-loyalty': HgAdminLoyalty;
  }
}
