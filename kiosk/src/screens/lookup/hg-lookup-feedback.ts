import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import { leaveFeedback, MAX_FEEDBACK_COMMENT } from '../../data/feedback.js';
import type { ApiAuth } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** How long the thanks stays before the kiosk goes back to the start. */
export const THANKS_MS = 4_000;

/**
 * Feedback at the kiosk: five big star buttons, an optional comment, then a thank-you and
 * back to the start (`hg-done`).
 */
@customElement('hg-lookup-feedback')
export class HgLookupFeedback extends LitElement {
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
      .stars {
        display: grid;
        grid-template-columns: repeat(5, 1fr);
        gap: 0.6em;
      }
      .stars button {
        min-height: calc(var(--hg-touch) * 1.4);
        font-size: 2.6em;
        line-height: 1;
        color: var(--hg-muted);
      }
      .stars button[aria-pressed='true'] {
        color: var(--hg-accent);
        border-color: var(--hg-accent);
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.4em;
        font-weight: 600;
      }
      textarea {
        font: inherit;
        font-size: 1.2em;
        min-height: 6em;
        padding: 0.6em;
        border-radius: var(--hg-radius);
        border: 1px solid var(--hg-line-strong, #8c8379);
        resize: vertical;
      }
      .hint {
        color: var(--hg-muted);
        font-weight: 400;
        font-size: 0.9em;
      }
      .thanks {
        padding: 2em 1.5em;
        text-align: center;
        background: var(--hg-surface);
        border-radius: calc(var(--hg-radius) * 2);
      }
      .thanks h2 {
        font-size: 2.2em;
      }
    `,
  ];

  @property({ attribute: false }) auth: ApiAuth | null = null;

  @state() private _stars = 0;
  @state() private _comment = '';
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _thanked = false;

  private readonly _i18n = new LocalizeController(this);
  private _timer: ReturnType<typeof setTimeout> | undefined;

  /** Forgets the stars and anything typed. */
  reset(): void {
    clearTimeout(this._timer);
    this._stars = 0;
    this._comment = '';
    this._busy = false;
    this._error = null;
    this._thanked = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._timer);
  }

  protected override render() {
    if (this._thanked) {
      return html`<section class="thanks" role="status">
        <h2>${this._i18n.t('feedback.thanks')}</h2>
        <p class="hint">${this._i18n.t('feedback.thanksHint')}</p>
      </section>`;
    }
    return html`
      <h2>${this._i18n.t('feedback.question')}</h2>
      <div class="stars" role="group" aria-label=${this._i18n.t('feedback.title')}>
        ${[1, 2, 3, 4, 5].map(
          (count) => html`<button
            type="button"
            data-stars=${count}
            aria-pressed=${count <= this._stars ? 'true' : 'false'}
            aria-label=${this._i18n.t('feedback.stars', { count })}
            @click=${() => (this._stars = count)}
          >
            ${count <= this._stars ? '★' : '☆'}
          </button>`,
        )}
      </div>
      <label>
        ${this._i18n.t('feedback.comment')}
        <span class="hint">${this._i18n.t('feedback.commentHint', { count: MAX_FEEDBACK_COMMENT })}</span>
        <textarea
          maxlength=${MAX_FEEDBACK_COMMENT}
          .value=${this._comment}
          @input=${(event: Event) => (this._comment = (event.target as HTMLTextAreaElement).value)}
        ></textarea>
      </label>
      ${this._error ? html`<hg-error .error=${this._error}></hg-error>` : nothing}
      ${this._stars === 0 ? html`<p class="hint">${this._i18n.t('feedback.pickStars')}</p>` : nothing}
      <button type="button" class="primary" ?disabled=${this._busy || this._stars === 0} @click=${this._send}>
        ${this._i18n.t('feedback.send')}
      </button>
    `;
  }

  private async _send(): Promise<void> {
    if (!this.auth || this._stars === 0) return;
    this._busy = true;
    this._error = null;
    try {
      const comment = this._comment.trim();
      await leaveFeedback(this.auth, { stars: this._stars, ...(comment && { comment }) });
      this._thanked = true;
      this._timer = setTimeout(() => this._done(), THANKS_MS);
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
    'hg-lookup-feedback': HgLookupFeedback;
  }
}
