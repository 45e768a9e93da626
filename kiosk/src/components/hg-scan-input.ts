import { css, html, LitElement } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/** Fired with the code a keyboard-wedge scanner typed (or, with `accept-typed`, a person). */
export type ScanEvent = CustomEvent<{ code: string; source: 'scanner' | 'keyboard' }>;

/** The element that has focus, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const TEXT_INPUTS = new Set(['text', 'search', 'tel', 'number', 'password', 'email', 'url', '']);

/** Whether keys typed now go into a field the person is filling in. */
export function isEditable(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement) return TEXT_INPUTS.has(element.type) && !element.readOnly;
  return element instanceof HTMLElement && element.isContentEditable;
}

/**
 * Catches a keyboard-wedge scanner: characters arriving faster than a person types, ending in
 * Enter. It holds focus in a hidden field (taken back after every tap that does not land in a
 * field), so the scanner never types into anything else, and listens on the whole page so a scan
 * still counts when a button has keyboard focus. Keys typed into another field are left alone.
 * A keyboard user who reaches the field with Tab sees it, with its label and focus ring, so that
 * no Tab stop is invisible; focused by script (after a tap, at start) it stays out of sight.
 *
 * @fires hg-scan - `{code, source}` for each scan.
 */
@customElement('hg-scan-input')
export class HgScanInput extends LitElement {
  static override styles = css`
    :host {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    :host([shown]) {
      position: fixed;
      z-index: 20;
      top: 0.75em;
      left: 50%;
      transform: translateX(-50%);
      width: auto;
      height: auto;
      overflow: visible;
      clip-path: none;
      display: flex;
      align-items: center;
      gap: 0.6em;
      padding: 0.5em 0.8em;
      border-radius: 10px;
      background: var(--hg-surface, #fff);
      color: var(--hg-ink, #1f2328);
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.25);
    }
    .caption {
      display: none;
      font-weight: 600;
    }
    :host([shown]) .caption {
      display: inline;
    }
    input {
      font-size: 16px;
    }
    :host([shown]) input {
      min-height: 2.4em;
      padding: 0 0.6em;
      border: 1px solid var(--hg-line-strong, #8c8379);
      border-radius: 6px;
    }
    input:focus-visible {
      outline: 3px solid var(--hg-focus-color, #0b57d0);
      outline-offset: 2px;
    }
  `;

  /** While true the field takes focus back and scans are reported. */
  @property({ type: Boolean }) active = true;
  /** The longest pause between two keys of one scan, in ms. */
  @property({ type: Number, attribute: 'max-gap' }) maxGap = 50;
  /** The shortest code that counts as a scan. */
  @property({ type: Number, attribute: 'min-length' }) minLength = 4;
  /** Also report a code typed slowly into the field and ended with Enter (keyboard-only use). */
  @property({ type: Boolean, attribute: 'accept-typed' }) acceptTyped = false;
  /**
   * Also catch a scan that lands in another field (the cashier was typing a phone number when
   * the scanner fired): the burst is taken back out of that field and reported as a scan.
   */
  @property({ type: Boolean, attribute: 'guard-fields' }) guardFields = false;

  @query('input') private _input!: HTMLInputElement;
  /** Reached with Tab: shown with its label (reflected as the `shown` attribute). */
  @state() private _shown = false;
  /** When Tab was last pressed: a focus that follows it came from the keyboard. */
  private _tabAt = Number.NEGATIVE_INFINITY;

  private readonly _i18n = new LocalizeController(this);
  private _buffer = '';
  /** Where the current run of fast keys began in the buffer. */
  private _runStart = 0;
  private _lastKeyAt = 0;
  /** A burst of fast keys into another field: the field, its text before the burst, the keys. */
  private _burst: {
    field: HTMLInputElement | HTMLTextAreaElement;
    before: string;
    keys: string;
    at: number;
  } | null = null;

  private readonly _onKeyDown = (event: KeyboardEvent): void => this._key(event);
  private readonly _onClick = (event: MouseEvent): void => {
    // Only taps and clicks: a keyboard user's focus stays where they moved it.
    if (event.detail > 0) setTimeout(() => this.reclaimFocus(), 0);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this._onKeyDown, true);
    document.addEventListener('click', this._onClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this._onKeyDown, true);
    document.removeEventListener('click', this._onClick);
  }

  protected override render() {
    return html`<span class="caption" aria-hidden="true">${this._i18n.t('scan.label')}</span><input
      type="text"
      inputmode="none"
      autocomplete="off"
      spellcheck="false"
      aria-label=${this._i18n.t('scan.label')}
      @focus=${this._focused}
      @blur=${this._blurred}
    />`;
  }

  protected override updated(): void {
    this.toggleAttribute('shown', this._shown);
  }

  private _focused(): void {
    this._shown = performance.now() - this._tabAt < 1_000;
  }

  protected override firstUpdated(): void {
    this.reclaimFocus();
  }

  /** Takes focus back unless the person is filling in a field or a control holds keyboard focus. */
  reclaimFocus(): void {
    if (!this.active || !this._input) return;
    const active = deepActiveElement();
    if (active === this._input || isEditable(active)) return;
    if (active && active !== document.body && active.matches(':focus-visible')) return;
    this._input.focus({ preventScroll: true });
  }

  private _blurred(): void {
    this._shown = false;
    setTimeout(() => {
      if (deepActiveElement() === null || deepActiveElement() === document.body) this.reclaimFocus();
    }, 0);
  }

  private _key(event: KeyboardEvent): void {
    if (event.key === 'Tab') this._tabAt = performance.now();
    if (!this.active || event.isComposing) return;
    const target = deepActiveElement();
    const ours = target === this._input;
    if (!ours && isEditable(target)) {
      this._reset();
      if (this.guardFields) this._guard(event, target);
      return;
    }
    const now = event.timeStamp;
    if (event.key === 'Enter') {
      // The scan is the last fast run: a stray key pressed long before it does not spoil it.
      const run = this._buffer.slice(this._runStart).trim();
      const whole = this._buffer.trim();
      const scanned = run.length >= this.minLength;
      const typed = !scanned && ours && this.acceptTyped && whole.length > 0;
      this._reset();
      if (!scanned && !typed) return;
      event.preventDefault();
      event.stopPropagation();
      this.dispatchEvent(
        new CustomEvent('hg-scan', {
          detail: { code: scanned ? run : whole, source: scanned ? 'scanner' : 'keyboard' },
          bubbles: true,
          composed: true,
        }),
      );
      return;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (this._buffer.length > 0 && now - this._lastKeyAt > this.maxGap) this._runStart = this._buffer.length;
    if (this._buffer.length > 0 && now - this._lastKeyAt > 1_000 && !ours) {
      // A long pause: whatever came before was not part of this code.
      this._buffer = '';
      this._runStart = 0;
    }
    this._buffer += event.key;
    this._lastKeyAt = now;
  }

  /** Watches keys typed into another field; a scanner's burst ending in Enter is taken back out. */
  private _guard(event: KeyboardEvent, target: Element | null): void {
    if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return;
    const now = event.timeStamp;
    const burst = this._burst;
    if (event.key === 'Enter') {
      this._burst = null;
      if (!burst || burst.field !== target || burst.keys.length < this.minLength) return;
      event.preventDefault();
      event.stopPropagation();
      target.value = burst.before;
      target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      this.dispatchEvent(
        new CustomEvent('hg-scan', {
          detail: { code: burst.keys, source: 'scanner' },
          bubbles: true,
          composed: true,
        }),
      );
      return;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) {
      this._burst = null;
      return;
    }
    if (burst && burst.field === target && now - burst.at <= this.maxGap) {
      burst.keys += event.key;
      burst.at = now;
    } else {
      this._burst = { field: target, before: target.value, keys: event.key, at: now };
    }
  }

  private _reset(): void {
    this._buffer = '';
    this._runStart = 0;
    if (this._input) this._input.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-scan-input': HgScanInput;
  }
  interface HTMLElementEventMap {
    'hg-scan': ScanEvent;
  }
}
