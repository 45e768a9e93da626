import { css, html, LitElement } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import '../../components/hg-join-form.js';
import type { HgJoinForm, JoinEvent } from '../../components/hg-join-form.js';
import { controls } from '../../components/styles.js';
import type { ApiAuth } from '../../data/http.js';
import { selfSignUp } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** Join as a member at the kiosk, over the kiosk's own token; then the new member code. */
@customElement('hg-lookup-join')
export class HgLookupJoin extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      h2 {
        margin: 0;
        font-size: 1.6em;
      }
      .welcome {
        text-align: center;
        display: flex;
        flex-direction: column;
        gap: 0.6em;
        align-items: center;
      }
      .member-code {
        font-size: 1.8em;
        font-weight: 700;
        letter-spacing: 0.06em;
        font-variant-numeric: tabular-nums;
      }
      .hint {
        color: var(--hg-muted);
        font-size: 0.85em;
        margin: 0;
      }
    `,
  ];

  /** The kiosk's device token. */
  @property({ attribute: false }) auth: ApiAuth = { token: null };

  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _joined: { memberCode: string; name: string; tier: string } | null = null;

  @query('hg-join-form') private _form!: HgJoinForm | null;

  private readonly _i18n = new LocalizeController(this);

  /** Forgets everything typed. */
  reset(): void {
    this._form?.reset();
    this._error = null;
    this._joined = null;
  }

  protected override render() {
    if (this._joined) {
      return html`<section class="welcome card" role="status">
        <h2>${this._i18n.t('join.welcome', { name: this._joined.name })}</h2>
        <p>${this._i18n.t('join.tier', { tier: this._joined.tier })}</p>
        <p>${this._i18n.t('join.yourCode')}</p>
        <div class="member-code" data-member-code=${this._joined.memberCode}>
          ${this._joined.memberCode.replace(/(\d{4})(?=\d)/g, '$1 ')}
        </div>
        <p class="hint">${this._i18n.t('join.codeHint')}</p>
        <button type="button" class="primary" @click=${this._done}>${this._i18n.t('member.done')}</button>
      </section>`;
    }
    return html`
      <h2>${this._i18n.t('join.title')}</h2>
      <p class="hint">${this._i18n.t('join.intro')}</p>
      <hg-join-form device="kiosk" .busy=${this._busy} .error=${this._error} @hg-join=${this._join}></hg-join-form>
    `;
  }

  private async _join(event: JoinEvent): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      const answer = await selfSignUp(this.auth, event.detail);
      this._joined = {
        memberCode: answer.memberCode,
        name: answer.member.name,
        tier: answer.member.tier.name,
      };
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private _done(): void {
    this.reset();
    this.dispatchEvent(new CustomEvent('hg-done', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-join': HgLookupJoin;
  }
}
