import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocalizeController } from '../i18n/localize-controller.js';
import { controls } from './styles.js';

/** A key of the keypad: a digit, delete one, or clear all. */
export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'back' | 'clear';
export type KeypadEvent = CustomEvent<{ key: KeypadKey }>;

const DIGITS: KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A big numeric keypad for touch screens (phone numbers, PINs, member codes). It does not take
 * focus from the field it types into: the screen decides where each key goes.
 *
 * @fires hg-key - `{key}` for every press.
 */
@customElement('hg-keypad')
export class HgKeypad extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 0.4em;
      }
      button {
        font-size: 1.3em;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
        min-height: calc(var(--hg-touch) * 0.9);
      }
      .small {
        font-size: 0.9em;
      }
    `,
  ];

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    return html`
      ${DIGITS.map((key) => this._button(key, key))}
      ${this._button('clear', this._i18n.t('keypad.clear'), 'small')} ${this._button('0', '0')}
      ${this._button('back', this._i18n.t('keypad.back'), 'small')}
    `;
  }

  private _button(key: KeypadKey, label: string, cls = '') {
    return html`<button
      type="button"
      class=${cls}
      data-key=${key}
      @mousedown=${(event: Event) => event.preventDefault()}
      @click=${() => this._press(key)}
    >
      ${label}
    </button>`;
  }

  private _press(key: KeypadKey): void {
    this.dispatchEvent(new CustomEvent('hg-key', { detail: { key }, bubbles: true, composed: true }));
  }
}

/** Applies a keypad key to a field's text, keeping at most `max` characters. */
export function applyKey(value: string, key: KeypadKey, max: number): string {
  if (key === 'clear') return '';
  if (key === 'back') return value.slice(0, -1);
  return value.length >= max ? value : value + key;
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-keypad': HgKeypad;
  }
  interface HTMLElementEventMap {
    'hg-key': KeypadEvent;
  }
}
