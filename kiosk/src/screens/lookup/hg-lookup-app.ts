import { css, html, LitElement, svg } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { HealthController } from '../../data/health-controller.js';
import { secondLanguage } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** A tag's barcode, drawn so that the prompt reads at a glance. */
const barcode = svg`<svg class="barcode" viewBox="0 0 120 72" aria-hidden="true">
  <path d="M8 20V8h12M100 8h12v12M112 52v12h-12M20 64H8V52" fill="none" stroke="currentColor" stroke-width="4" />
  <path d="M24 18v36M32 18v36M38 18v36M48 18v36M54 18v36M64 18v36M72 18v36M78 18v36M88 18v36M96 18v36"
    stroke="currentColor" stroke-width="4" />
</svg>`;

/** The self-service kiosk on the shop floor: a 1080×1920 portrait touch screen. */
@customElement('hg-lookup-app')
export class HgLookupApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
      --hg-frame-size: 28px;
      /* Fingers, not a mouse: every control at least this tall. */
      --hg-touch: 88px;
    }
    .content {
      flex: 1;
      display: flex;
      flex-direction: column;
      justify-content: center;
      gap: 2em;
      padding: 2em 1.5em;
    }
    .scan {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.75em;
      padding: 3em 1.5em;
      background: var(--hg-surface);
      border: 2px dashed var(--hg-line);
      border-radius: calc(var(--hg-radius) * 2);
      text-align: center;
    }
    .barcode {
      width: 6em;
      color: var(--hg-accent);
      margin-bottom: 0.5em;
    }
    .scan h2 {
      margin: 0;
      font-size: 3em;
    }
    .scan .second {
      margin: 0;
      font-size: 1.5em;
      color: var(--hg-muted);
    }
    .scan .purpose {
      margin: 1em 0 0;
      font-size: 1.25em;
    }
    hg-server-status {
      justify-content: center;
      font-size: 0.75em;
    }
  `;

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);

  protected override render() {
    const title = this._i18n.both('screen.lookup');
    return html`
      <hg-screen-frame .heading=${title.primary} .subheading=${title.secondary} .connection=${this._health.state}>
        <div class="content">
          <section class="scan">
            ${barcode}
            <h2>${title.primary}</h2>
            <p class="second" lang=${secondLanguage()}>${title.secondary}</p>
            <p class="purpose">${this._i18n.t('purpose.lookup')}</p>
          </section>
          <hg-server-status .state=${this._health.state} .version=${this._health.version}></hg-server-status>
        </div>
      </hg-screen-frame>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-app': HgLookupApp;
  }
}
