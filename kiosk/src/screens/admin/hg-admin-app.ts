import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { HealthController } from '../../data/health-controller.js';
import { secondLanguage } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** The owner's back office, opened in a browser on a laptop. */
@customElement('hg-admin-app')
export class HgAdminApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
      --hg-frame-size: 15px;
      --hg-touch: 36px;
    }
    .content {
      box-sizing: border-box;
      width: 100%;
      max-width: 1200px;
      margin: 0 auto;
      padding: 2em 1.5em;
    }
    h2 {
      margin: 0;
      font-size: 1.75em;
    }
    .second {
      margin: 0.25em 0 0;
      color: var(--hg-muted);
    }
    .purpose {
      margin: 1em 0 2em;
    }
    .card {
      padding: 1.25em 1.5em;
      background: var(--hg-surface);
      border: 1px solid var(--hg-line);
      border-radius: var(--hg-radius);
    }
  `;

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);

  protected override render() {
    const title = this._i18n.both('screen.admin');
    return html`
      <hg-screen-frame .heading=${title.primary} .subheading=${title.secondary} .connection=${this._health.state}>
        <div class="content">
          <h2>${title.primary}</h2>
          <p class="second" lang=${secondLanguage()}>${title.secondary}</p>
          <p class="purpose">${this._i18n.t('purpose.admin')}</p>
          <section class="card">
            <hg-server-status .state=${this._health.state} .version=${this._health.version}></hg-server-status>
          </section>
        </div>
      </hg-screen-frame>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-app': HgAdminApp;
  }
}
