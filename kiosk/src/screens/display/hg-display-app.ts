import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { HealthController } from '../../data/health-controller.js';
import { secondLanguage } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** The customer-facing screen beside the till: 1920×1080, read from a step away. */
@customElement('hg-display-app')
export class HgDisplayApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
      background: #1c1a18;
      color: #f5f2ed;
      --hg-frame-size: 24px;
      --hg-header-bg: #2b2724;
      --hg-header-ink: #f5f2ed;
      --hg-muted: #b9b1a6;
      --hg-ink: #f5f2ed;
      --hg-ok: #6fdd8b;
      --hg-danger: #ff8a80;
      --hg-touch: 56px;
      --hg-indicator-bg: rgb(255 255 255 / 0.1);
      --hg-indicator-ink: #f5f2ed;
    }
    .welcome {
      flex: 1;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.5em;
      text-align: center;
    }
    .welcome h2 {
      margin: 0;
      font-size: 5em;
      font-weight: 700;
      letter-spacing: 0.08em;
    }
    .welcome .second {
      margin: 0;
      font-size: 2em;
      color: var(--hg-muted);
    }
    hg-server-status {
      font-size: 0.75em;
    }
  `;

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);

  protected override render() {
    const title = this._i18n.both('screen.display');
    const welcome = this._i18n.both('display.welcome');
    return html`
      <hg-screen-frame .heading=${title.primary} .subheading=${title.secondary} .connection=${this._health.state}>
        <section class="welcome">
          <h2>${welcome.primary}</h2>
          <p class="second" lang=${secondLanguage()}>${welcome.secondary}</p>
        </section>
        <hg-server-status
          slot="footer"
          .state=${this._health.state}
          .version=${this._health.version}
        ></hg-server-status>
      </hg-screen-frame>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-display-app': HgDisplayApp;
  }
}
