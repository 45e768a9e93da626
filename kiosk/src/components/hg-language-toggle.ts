import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { secondLanguage, setLanguage } from '../i18n/index.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/** A button that switches the screens between Chinese and English; the choice is remembered. */
@customElement('hg-language-toggle')
export class HgLanguageToggle extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
    }
    button {
      min-height: var(--hg-touch);
      min-width: calc(var(--hg-touch) * 2);
      padding: 0 1em;
      border: 1px solid currentColor;
      border-radius: calc(var(--hg-touch) / 2);
      background: transparent;
      color: inherit;
      font: inherit;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--hg-accent);
      outline-offset: 2px;
    }
  `;

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    return html`<button
      type="button"
      lang=${secondLanguage()}
      title=${this._i18n.t('language.switchTo')}
      aria-label=${`${this._i18n.t('language.switchTo')}: ${this._i18n.t('language.other')}`}
      @click=${this._switch}
    >
      ${this._i18n.t('language.other')}
    </button>`;
  }

  private _switch(): void {
    void setLanguage(secondLanguage());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-language-toggle': HgLanguageToggle;
  }
}
