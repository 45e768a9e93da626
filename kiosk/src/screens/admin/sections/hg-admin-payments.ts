import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { dateTime } from '../../../data/format.js';
import {
  changePaymentMode,
  type PaymentMode,
  type PaymentSetupTest,
  type PaymentSetupView,
  paymentSetup,
  removePaymentKeys,
  saveAlipayKeys,
  saveWechatKeys,
  testPaymentKeys,
} from '../../../data/payment-setup.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

const MODES: readonly PaymentMode[] = ['off', 'simulator', 'live'];
type Provider = 'wechat' | 'alipay';

/**
 * 收款设置: whether the till takes WeChat Pay and Alipay codes, the merchant's keys (kept by the
 * server, never shown again) and "test connection", which asks the provider about an order that
 * cannot exist and says whether it took our signature and signed its answer.
 */
@customElement('hg-admin-payments')
export class HgAdminPayments extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      dl.facts {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.3em 1.5em;
        margin: 0 0 0.75em;
      }
      dt {
        color: var(--hg-muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      textarea {
        font-family: ui-monospace, monospace;
        font-size: 0.8em;
        min-height: 6em;
        width: 100%;
        box-sizing: border-box;
      }
      form.keys {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(16em, 1fr));
        gap: 0.75em 1em;
      }
      form.keys label.wide {
        grid-column: 1 / -1;
      }
      fieldset.modes {
        border: none;
        padding: 0;
        margin: 0 0 0.75em;
        display: grid;
        gap: 0.5em;
      }
      fieldset.modes label {
        gap: 0.75em;
      }
      fieldset.modes input {
        width: 1.25em;
        height: 1.25em;
        min-height: 0;
        margin: 0;
        flex: none;
      }
      fieldset.modes .hint {
        color: var(--hg-muted);
      }
      .test.ok {
        color: var(--hg-ok);
        font-weight: 600;
      }
      .test.bad {
        color: var(--hg-danger, #b3261e);
        font-weight: 600;
      }
    `,
  ];

  @state() private _setup: PaymentSetupView | null = null;
  /** The provider whose keys form is open. */
  @state() private _editing: Provider | null = null;
  @state() private _tests: Partial<Record<Provider, PaymentSetupTest>> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const setup = this._setup;
    return html`
      <h2>${t('admin.nav.payments')}</h2>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._done ? html`<p class="done" role="status">${this._done}</p>` : nothing}
      ${setup ? this._modeCard(setup) : nothing}
      ${setup ? this._providerCard('wechat', setup) : nothing}
      ${setup ? this._providerCard('alipay', setup) : nothing}
      <p class="muted">${t('paymentSetup.kept')}</p>
    `;
  }

  private _modeCard(setup: PaymentSetupView) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" data-mode>
      <h3>${t('paymentSetup.modeTitle')}</h3>
      <form @submit=${this._saveMode}>
        <fieldset class="modes">
          ${MODES.map(
            (mode) => html`<label class="inline">
              <input type="radio" name="mode" value=${mode} ?checked=${setup.mode === mode} />
              <strong>${t(`paymentSetup.mode.${mode}`)}</strong>
              <span class="hint">${t(`paymentSetup.modeHint.${mode}`)}</span>
            </label>`,
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button>
        </div>
      </form>
    </section>`;
  }

  private _providerCard(provider: Provider, setup: PaymentSetupView) {
    const t = this._i18n.t.bind(this._i18n);
    const saved = setup[provider];
    const test = this._tests[provider];
    return html`<section class="card" data-provider=${provider}>
      <h3>${t(`paymentSetup.${provider}.title`)}</h3>
      ${
        saved
          ? html`<dl class="facts">
              ${Object.entries(saved).map(
                ([key, value]) => html`<dt>${t(`paymentSetup.fact.${key as 'savedAt'}`)}</dt>
                  <dd>${key === 'savedAt' ? dateTime(String(value)) : String(value)}</dd>`,
              )}
            </dl>
            <div class="actions">
              <button type="button" class="primary" data-action="test" ?disabled=${this._busy} @click=${() => this._test(provider)}>${t('paymentSetup.test')}</button>
              <button type="button" data-action="replace" @click=${() => {
                this._editing = provider;
              }}>${t('paymentSetup.replace')}</button>
              <button type="button" data-action="remove" ?disabled=${this._busy} @click=${() => this._remove(provider)}>${t('paymentSetup.remove')}</button>
              ${test ? this._testLine(test) : nothing}
            </div>`
          : html`<p class="empty">${t('paymentSetup.none')}</p>
            ${
              this._editing === provider
                ? nothing
                : html`<button type="button" data-action="enter" @click=${() => {
                    this._editing = provider;
                  }}>${t('paymentSetup.enter')}</button>`
            }`
      }
      ${this._editing === provider ? this._keysForm(provider) : nothing}
    </section>`;
  }

  private _testLine(test: PaymentSetupTest) {
    const t = this._i18n.t.bind(this._i18n);
    if (test.ok)
      return html`<span class="test ok" role="status">${t('paymentSetup.testOk', { ms: test.ms })}</span>`;
    return html`<span class="test bad" role="status">${t(`paymentSetup.testFailed.${test.why}`)}${
      test.detail ? html` <code>${test.detail}</code>` : nothing
    }</span>`;
  }

  private _keysForm(provider: Provider) {
    const t = this._i18n.t.bind(this._i18n);
    const fields =
      provider === 'wechat'
        ? ([
            'mchid',
            'appid',
            'serial',
            'privateKey',
            'platformSerial',
            'platformPublicKey',
            'endpoint',
          ] as const)
        : (['appId', 'privateKey', 'alipayPublicKey', 'endpoint'] as const);
    const long = new Set(['privateKey', 'platformPublicKey', 'alipayPublicKey']);
    return html`<form class="keys" data-keys=${provider} @submit=${(event: Event) => this._saveKeys(event, provider)}>
      ${fields.map((name) =>
        long.has(name)
          ? html`<label class="wide">${t(`paymentSetup.field.${name}`)}
              <textarea name=${name} required spellcheck="false" autocomplete="off"></textarea></label>`
          : html`<label>${t(`paymentSetup.field.${name}`)}
              <input name=${name} ?required=${name !== 'endpoint'} autocomplete="off"
                placeholder=${name === 'endpoint' ? t('paymentSetup.endpointDefault') : ''} /></label>`,
      )}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button>
        <button type="button" @click=${() => {
          this._editing = null;
        }}>${t('common.cancel')}</button>
      </div>
    </form>`;
  }

  private async _load(): Promise<void> {
    const setup = await this._run(() => paymentSetup(this.ctx.auth));
    if (setup) this._setup = setup;
  }

  private async _saveMode(event: Event): Promise<void> {
    event.preventDefault();
    const mode = formValues(event.target as HTMLFormElement).mode as PaymentMode;
    const setup = await this._run(() => changePaymentMode(this.ctx.auth, mode), this._i18n.t('common.saved'));
    if (setup) this._setup = setup;
  }

  private async _saveKeys(event: Event, provider: Provider): Promise<void> {
    event.preventDefault();
    const { endpoint, ...values } = formValues(event.target as HTMLFormElement);
    const body = { ...values, ...(endpoint ? { endpoint } : {}) };
    const setup = await this._run(
      () =>
        provider === 'wechat'
          ? saveWechatKeys(this.ctx.auth, body as unknown as Parameters<typeof saveWechatKeys>[1])
          : saveAlipayKeys(this.ctx.auth, body as unknown as Parameters<typeof saveAlipayKeys>[1]),
      this._i18n.t('common.saved'),
    );
    if (setup) {
      this._setup = setup;
      this._editing = null;
      this._tests = { ...this._tests, [provider]: undefined };
    }
  }

  private async _remove(provider: Provider): Promise<void> {
    if (!confirm(this._i18n.t('paymentSetup.removeConfirm'))) return;
    const setup = await this._run(() => removePaymentKeys(this.ctx.auth, provider));
    if (setup) this._setup = setup;
  }

  private async _test(provider: Provider): Promise<void> {
    const test = await this._run(() => testPaymentKeys(this.ctx.auth, provider));
    if (test) this._tests = { ...this._tests, [provider]: test };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-payments': HgAdminPayments;
  }
}
