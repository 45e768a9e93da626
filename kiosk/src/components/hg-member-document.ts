import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MemberDocument } from '../../../server/protocol/members.js';
import { memberDocument } from '../data/members.js';
import { LocalizeController } from '../i18n/localize-controller.js';
import './hg-error.js';
import { controls } from './styles.js';

/**
 * The membership terms or the privacy policy as a page of its own over the screen, in the
 * words the owner published on the admin page, with a way back to the form.
 *
 * @fires hg-close - the reader is done.
 */
@customElement('hg-member-document')
export class HgMemberDocument extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 20;
        display: flex;
        flex-direction: column;
        background: var(--hg-bg, #fff);
        color: var(--hg-fg, #222);
      }
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1em;
        padding: 0.8em 1em;
        border-bottom: 1px solid var(--hg-line, #ddd);
      }
      h2 {
        margin: 0;
        font-size: 1.4em;
      }
      article {
        flex: 1;
        overflow-y: auto;
        padding: 1em;
        max-width: 44em;
        width: 100%;
        box-sizing: border-box;
        margin: 0 auto;
        line-height: 1.7;
      }
      .text {
        white-space: pre-wrap;
      }
      .muted {
        color: var(--hg-muted, #666);
      }
      footer {
        padding: 0.8em 1em;
        display: flex;
        justify-content: center;
      }
      footer button {
        min-width: 12em;
      }
    `,
  ];

  /** Which text: the membership terms or the privacy policy. */
  @property() kind: MemberDocument['kind'] = 'terms';

  @state() private _document: MemberDocument | null = null;
  @state() private _error: unknown = null;
  private readonly _i18n = new LocalizeController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('kind')) void this._load(this.kind);
  }

  private async _load(kind: MemberDocument['kind']): Promise<void> {
    this._document = null;
    this._error = null;
    try {
      const found = await memberDocument(kind);
      if (kind === this.kind) this._document = found;
    } catch (error) {
      this._error = error;
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const title = t(this.kind === 'terms' ? 'referrals.terms' : 'referrals.privacy');
    const doc = this._document;
    return html`<header>
        <h2>${title}</h2>
        <button type="button" @click=${this._close}>${t('referrals.back')}</button>
      </header>
      <article data-document=${this.kind}>
        ${this._error ? html`<hg-error .error=${this._error}></hg-error>` : nothing}
        ${
          doc === null
            ? nothing
            : doc.text
              ? html`<div class="text">${doc.text}</div>${
                  doc.publishedAt
                    ? html`<p class="muted">${t('referrals.publishedAt', { date: doc.publishedAt.slice(0, 10) })}</p>`
                    : nothing
                }`
              : html`<p class="muted">${t('referrals.notPublished')}</p>`
        }
      </article>
      <footer><button type="button" class="primary" @click=${this._close}>${t('referrals.back')}</button></footer>`;
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-member-document': HgMemberDocument;
  }
}
