import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { InputError, RequestError } from '../connection/errors.js';
import type { MessageKey } from '../i18n/index.js';
import { LocalizeController } from '../i18n/localize-controller.js';
import { fieldProblems } from './field-problems.js';

const KNOWN = new Set([
  'validation_failed',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'account_locked',
  'business_rule',
  'internal',
  'network',
  'timeout',
  'disconnected',
  'storage_unavailable',
  'device_unavailable',
]);

/** The catalogue key that says what went wrong, in the shop's words. */
export function errorKey(error: unknown): MessageKey {
  // The till sold with no shift open: what to do, not what went wrong.
  if (error instanceof RequestError && error.field('shift') === 'required') return 'counter.shiftRequired';
  const code = error instanceof RequestError ? error.code : 'internal';
  return (KNOWN.has(code) ? `error.${code}` : 'error.internal') as MessageKey;
}

/**
 * An error from the API, said in the screen's language, with the server's own words (which
 * name the field and the reason) underneath for the owner. Announced to screen readers.
 */
@customElement('hg-error')
export class HgError extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    :host(:not([shown])) {
      display: none;
    }
    .box {
      padding: 0.6em 0.9em;
      border-radius: calc(var(--hg-radius) * 0.75);
      background: #fdecea;
      border: 1px solid #f5c2bd;
      color: #8e1c12;
    }
    .detail {
      font-size: 0.85em;
      margin-top: 0.2em;
      color: #5f1a13;
    }
  `;

  /** The error to show (a RequestError from a call); nothing is shown while null. */
  @property({ attribute: false }) error: unknown = null;
  /** Say this instead of the line for the error's code. */
  @property({ attribute: false }) messageKey: MessageKey | null = null;
  /** Show the server's message and fields under the translated line (the admin page does). */
  @property({ type: Boolean }) detailed = false;

  private readonly _i18n = new LocalizeController(this);

  protected override updated(): void {
    this.toggleAttribute('shown', Boolean(this.error));
  }

  protected override render() {
    if (!this.error) return nothing;
    const error = this.error;
    const fields = error instanceof RequestError ? Object.entries(error.fields) : [];
    // What was typed wrong is said field by field, in place of the general line.
    const named =
      error instanceof InputError
        ? [this._i18n.t(error.said.key, error.said.options)]
        : this.messageKey
          ? []
          : fieldProblems(error);
    return html`<div class="box" role="alert">
      ${
        named.length > 0
          ? named.map((problem) => html`<div>${problem}</div>`)
          : html`<div>${this._i18n.t(this.messageKey ?? errorKey(error))}</div>`
      }
      ${
        this.detailed && !(error instanceof InputError) && error instanceof Error && error.message
          ? html`<div class="detail" lang="en">
              ${error.message} ${fields.map(([field, reason]) => html`<div><code>${field}</code>: ${reason}</div>`)}
            </div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-error': HgError;
  }
}
