import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { HealthController } from '../../data/health-controller.js';
import { secondLanguage } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** The cashier's terminal: a 1024×768 touch screen or larger. */
@customElement('hg-checkout-app')
export class HgCheckoutApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-width: 1024px;
      min-height: 100vh;
      --hg-frame-size: 16px;
      --hg-touch: 48px;
    }
    .content {
      flex: 1;
      display: grid;
      place-items: center;
      padding: 2em;
    }
    .panel {
      box-sizing: border-box;
      width: min(720px, 100%);
      padding: 2em 2.5em;
      background: var(--hg-surface);
      border: 1px solid var(--hg-line);
      border-radius: var(--hg-radius);
    }
    h2 {
      margin: 0 0 0.25em;
      font-size: 2em;
    }
    .second {
      margin: 0 0 1.5em;
      color: var(--hg-muted);
      font-size: 1.125em;
    }
    .purpose {
      margin: 0 0 2em;
      font-size: 1.125em;
    }
  `;

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);

  protected override render() {
    const title = this._i18n.both('screen.checkout');
    return html`
      <hg-screen-frame .heading=${title.primary} .subheading=${title.secondary} .connection=${this._health.state}>
        <div class="content">
          <section class="panel">
            <h2>${title.primary}</h2>
            <p class="second" lang=${secondLanguage()}>${title.secondary}</p>
            <p class="purpose">${this._i18n.t('purpose.checkout')}</p>
            <hg-server-status .state=${this._health.state} .version=${this._health.version}></hg-server-status>
          </section>
        </div>
      </hg-screen-frame>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-app': HgCheckoutApp;
  }
}
