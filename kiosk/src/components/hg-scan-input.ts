import { css, html, LitElement } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
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
    input {
      font-size: 16px;
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
    return html`<input
      type="text"
      inputmode="none"
      autocomplete="off"
      spellcheck="false"
      aria-label=${this._i18n.t('scan.label')}
      @blur=${this._blurred}
    />`;
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
    setTimeout(() => {
      if (deepActiveElement() === null || deepActiveElement() === document.body) this.reclaimFocus();
    }, 0);
  }

  private _key(event: KeyboardEvent): void {
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
