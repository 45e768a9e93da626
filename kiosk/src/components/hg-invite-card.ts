import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { toString as qrSvg } from 'qrcode';
import type { ReferralReward } from '../../../server/protocol/loyalty.js';
import type { SelfView } from '../../../server/protocol/members.js';
import { count } from '../data/format.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/** Where a friend joins with `code`: this server's phone join page. */
export const inviteUrl = (code: string): string =>
  `${globalThis.location.origin}/join?invite=${encodeURIComponent(code)}`;

/**
 * A member's invitation (邀请好友入会): the QR code a friend scans to join with the member's
 * invitation code, the code itself to type, and what each side gets on the friend's first
 * purchase when the shop runs referrals.
 */
@customElement('hg-invite-card')
export class HgInviteCard extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    .invite {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.4em 1em;
      align-items: center;
    }
    .qr {
      grid-row: span 3;
      width: 8em;
      height: 8em;
      background: #fff;
      border-radius: 0.3em;
    }
    .qr svg {
      width: 100%;
      height: 100%;
      display: block;
    }
    h3 {
      margin: 0;
    }
    .code {
      font-size: 1.6em;
      font-weight: 700;
      letter-spacing: 0.15em;
      user-select: all;
    }
    p {
      margin: 0;
      color: var(--hg-muted, #555);
    }
  `;

  /** The member's invitation code. */
  @property() code = '';
  /** What the member and the friend each get, or null when the shop gives nothing. */
  @property({ attribute: false }) rewards: SelfView['referral'] = null;

  @state() private _qr = '';
  private readonly _i18n = new LocalizeController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('code')) void this._draw(this.code);
  }

  private async _draw(code: string): Promise<void> {
    const drawn = code
      ? await qrSvg(inviteUrl(code), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).catch(() => '')
      : '';
    if (code === this.code) this._qr = drawn;
  }

  private _reward(reward: ReferralReward): string {
    if (reward.kind === 'points')
      return this._i18n.t('referrals.rewardPoints', { points: count(reward.points) });
    if (reward.kind === 'coupon') return this._i18n.t('referrals.rewardCoupon');
    return this._i18n.t('referrals.rewardNone');
  }

  protected override render() {
    if (!this.code) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="invite" data-invite-code=${this.code}>
      <div class="qr" role="img" aria-label=${t('referrals.qr')}>${this._qr ? unsafeSVG(this._qr) : nothing}</div>
      <h3>${t('referrals.title')}</h3>
      <div><span>${t('referrals.code')}</span> <span class="code">${this.code}</span></div>
      <p>
        ${
          this.rewards
            ? t('referrals.both', {
                you: this._reward(this.rewards.referrer),
                friend: this._reward(this.rewards.newcomer),
              })
            : t('referrals.scan')
        }
      </p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-invite-card': HgInviteCard;
  }
}
