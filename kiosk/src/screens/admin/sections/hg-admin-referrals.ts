import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ReferralReward } from '../../../../../server/protocol/loyalty.js';
import type { MemberDocument } from '../../../../../server/protocol/members.js';
import '../../../components/hg-error.js';
import { dateTime } from '../../../data/format.js';
import { type LoyaltySettings, loyaltySettings, saveSetting } from '../../../data/loyalty.js';
import { memberDocument, publishMemberDocument } from '../../../data/members.js';
import { type CouponTemplate, listCouponTemplates } from '../../../data/promotions.js';
import { AdminSection, formValues } from '../context.js';

type Referral = LoyaltySettings['referral'];
const DOCUMENTS: MemberDocument['kind'][] = ['terms', 'privacy'];

/**
 * On the loyalty page: what an invitation gives each side (会员裂变), whether receipts print
 * it and where phones reach the shop, and the membership terms and privacy policy the join
 * pages show, each save a new version.
 */
@customElement('hg-admin-referrals')
export class HgAdminReferrals extends AdminSection {
  @state() private _referral: Referral | null = null;
  @state() private _templates: CouponTemplate[] = [];
  @state() private _documents: Partial<Record<MemberDocument['kind'], MemberDocument>> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const loaded = await this._run(async () => {
      const [settings, templates, terms, privacy] = await Promise.all([
        loyaltySettings(this.ctx.auth),
        listCouponTemplates(this.ctx.auth),
        memberDocument('terms'),
        memberDocument('privacy'),
      ]);
      return { settings, templates, terms, privacy };
    });
    if (!loaded) return;
    this._referral = loaded.settings.settings.referral;
    this._templates = loaded.templates.filter((template) => template.active);
    this._documents = { terms: loaded.terms, privacy: loaded.privacy };
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const referral = this._referral;
    return html`
      <hg-error .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${
        referral
          ? html`<section class="card">
              <h3>${t('referrals.settings')}</h3>
              <p class="muted">${t('referrals.settingsHint')}</p>
              <form class="grid" @submit=${this._saveReferral} aria-label=${t('referrals.settings')}>
                <label><input type="checkbox" name="enabled" ?checked=${referral.enabled} /> ${t('referrals.enabled')}</label>
                ${this._side('referrer', referral.referrer)} ${this._side('newcomer', referral.newcomer)}
                <label><input type="checkbox" name="onReceipt" ?checked=${referral.onReceipt} /> ${t('referrals.onReceipt')}</label>
                <label>${t('referrals.joinAddress')}
                  <input name="joinAddress" inputmode="url" placeholder=${globalThis.location.origin} .value=${referral.joinAddress} />
                </label>
                <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
              </form>
            </section>`
          : nothing
      }
      ${DOCUMENTS.map((kind) => this._document(kind))}
    `;
  }

  /** One side's reward: nothing, points, or a coupon template. */
  private _side(side: 'referrer' | 'newcomer', reward: ReferralReward) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<label>${t(side === 'referrer' ? 'referrals.referrerGets' : 'referrals.newcomerGets')}
        <select name=${`${side}Kind`} data-side=${side}>
          <option value="none" ?selected=${reward.kind === 'none'}>${t('referrals.kindNone')}</option>
          <option value="points" ?selected=${reward.kind === 'points'}>${t('referrals.kindPoints')}</option>
          ${this._templates.map(
            (template) =>
              html`<option value=${`coupon:${template.id}`} ?selected=${reward.kind === 'coupon' && reward.templateId === template.id}>
                ${t('referrals.kindCoupon', { name: template.name })}
              </option>`,
          )}
        </select>
      </label>
      <label>${t('referrals.points')}
        <input name=${`${side}Points`} type="number" min="1" .value=${reward.kind === 'points' ? String(reward.points) : ''} />
      </label>`;
  }

  private _document(kind: MemberDocument['kind']) {
    const t = this._i18n.t.bind(this._i18n);
    const doc = this._documents[kind];
    const title = t(kind === 'terms' ? 'referrals.terms' : 'referrals.privacy');
    return html`<section class="card">
      <h3>${title}</h3>
      <p class="muted">
        ${doc?.publishedAt ? t('referrals.publishedAt', { date: dateTime(doc.publishedAt) }) : t('referrals.notPublished')}
      </p>
      <form @submit=${(event: Event) => this._publish(event, kind)} aria-label=${title}>
        <textarea name="text" rows="10" style="width: 100%; box-sizing: border-box" .value=${doc?.text ?? ''}></textarea>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('referrals.publish')}</button></div>
      </form>
    </section>`;
  }

  private _reward(v: Record<string, string>, side: 'referrer' | 'newcomer'): ReferralReward {
    const kind = v[`${side}Kind`] ?? 'none';
    if (kind === 'points') return { kind: 'points', points: Math.trunc(Number(v[`${side}Points`])) };
    if (kind.startsWith('coupon:')) return { kind: 'coupon', templateId: kind.slice('coupon:'.length) };
    return { kind: 'none' };
  }

  private async _saveReferral(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const value: Referral = {
      enabled: 'enabled' in v,
      referrer: this._reward(v, 'referrer'),
      newcomer: this._reward(v, 'newcomer'),
      onReceipt: 'onReceipt' in v,
      joinAddress: v.joinAddress ?? '',
    };
    const saved = await this._run(() => saveSetting(this.ctx.auth, 'referral', value), {
      key: 'common.saved',
    });
    if (saved) this._referral = saved.referral;
  }

  private async _publish(event: Event, kind: MemberDocument['kind']): Promise<void> {
    event.preventDefault();
    const text = formValues(event.target as HTMLFormElement).text ?? '';
    const published = await this._run(() => publishMemberDocument(this.ctx.auth, kind, text), {
      key: 'referrals.published',
    });
    if (published) this._documents = { ...this._documents, [kind]: published };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-referrals': HgAdminReferrals;
  }
}
