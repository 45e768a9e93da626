import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { dateTime } from '../../../data/format.js';
import {
  activateUpay,
  changePaymentMode,
  type MerchantKeys,
  type PaymentMode,
  type PaymentSetupTest,
  type PaymentSetupView,
  paymentSetup,
  removePaymentKeys,
  saveAlipayKeys,
  saveUpayKeys,
  saveWechatKeys,
  saveWechatV2Keys,
  testPaymentKeys,
} from '../../../data/payment-setup.js';
import type { MessageKey } from '../../../i18n/index.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

const MODES: readonly PaymentMode[] = ['off', 'simulator', 'live'];
/** A card per set of keys: WeChat Pay v3, Alipay, and the other contracts (v2 keys, 收钱吧). */
type Provider = MerchantKeys;
const CARDS: readonly Provider[] = ['wechat', 'alipay', 'wechatV2', 'upay'];
/** The contracts whose words are in `paymentContracts` rather than `paymentSetup`. */
const OTHER_CONTRACTS = new Set<Provider>(['wechatV2', 'upay']);
const OTHER_WORDS = new Set(['apiKey', 'signType', 'cert', 'terminalSn', 'terminalKey']);

/** The label of a field or fact, from whichever block names it. */
function wordKey(kind: 'field' | 'fact', name: string): MessageKey {
  return (
    OTHER_WORDS.has(name) ? `paymentContracts.${kind}.${name}` : `paymentSetup.${kind}.${name}`
  ) as MessageKey;
}

const FIELDS: Record<Provider, readonly string[]> = {
  wechat: ['mchid', 'appid', 'serial', 'privateKey', 'platformSerial', 'platformPublicKey', 'endpoint'],
  alipay: ['appId', 'privateKey', 'alipayPublicKey', 'endpoint'],
  wechatV2: ['mchid', 'appid', 'apiKey', 'signType', 'cert', 'privateKey', 'endpoint'],
  upay: ['terminalSn', 'terminalKey', 'endpoint'],
};
/** 收钱吧 activation: the vendor's number, key and app, and the owner's one-time 激活码. */
const ACTIVATION_FIELDS = ['vendorSn', 'vendorKey', 'appId', 'activationCode', 'endpoint'] as const;
const LONG_FIELDS = new Set(['privateKey', 'platformPublicKey', 'alipayPublicKey', 'cert']);

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
      form.keys .wide {
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
  /** Whether the 收钱吧 activation form is open. */
  @state() private _activating = false;

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
      ${this._doneLine()}
      ${setup ? this._modeCard(setup) : nothing}
      ${setup ? CARDS.map((provider) => this._providerCard(provider, setup)) : nothing}
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
    const other = OTHER_CONTRACTS.has(provider);
    return html`<section class="card" data-provider=${provider}>
      <h3>${t(other ? (`paymentContracts.${provider}.title` as MessageKey) : (`paymentSetup.${provider}.title` as MessageKey))}</h3>
      ${other ? html`<p class="muted">${t(`paymentContracts.${provider}.note` as MessageKey)}</p>` : nothing}
      ${
        saved
          ? html`<dl class="facts">
              ${Object.entries(saved).map(([key, value]) => this._fact(key, value))}
            </dl>
            <div class="actions">
              <button type="button" class="primary" data-action="test" ?disabled=${this._busy} @click=${() => this._test(provider)}>${t('paymentSetup.test')}</button>
              <button type="button" data-action="replace" @click=${() => {
                this._editing = provider;
              }}>${t('paymentSetup.replace')}</button>
              ${provider === 'upay' ? this._activateButton(false) : nothing}
              <button type="button" data-action="remove" ?disabled=${this._busy} @click=${() => this._remove(provider)}>${t('paymentSetup.remove')}</button>
              ${test ? this._testLine(provider, test) : nothing}
            </div>`
          : html`<p class="empty">${t('paymentSetup.none')}</p>
            ${
              this._editing === provider
                ? nothing
                : html`<div class="actions">
                    ${provider === 'upay' ? this._activateButton(true) : nothing}
                    <button type="button" data-action="enter" @click=${() => {
                      this._editing = provider;
                      this._activating = false;
                    }}>${t('paymentSetup.enter')}</button>
                  </div>`
            }`
      }
      ${this._editing === provider ? this._keysForm(provider) : nothing}
      ${provider === 'upay' && this._activating ? this._activationForm() : nothing}
    </section>`;
  }

  /** One saved fact in the shop's words: dates as dates, 收钱吧's activation and check-in in words. */
  private _fact(key: string, value: unknown) {
    const t = this._i18n.t.bind(this._i18n);
    if (key === 'activated' || key === 'checkedInOn') {
      const shown =
        key === 'activated'
          ? t(value ? 'upayActivation.byCode' : 'upayActivation.typedIn')
          : value
            ? String(value)
            : t('upayActivation.notYet');
      return html`<dt>${t(`upayActivation.fact.${key}`)}</dt><dd>${shown}</dd>`;
    }
    return html`<dt>${t(wordKey('fact', key))}</dt>
      <dd>${key === 'savedAt' ? dateTime(String(value)) : String(value)}</dd>`;
  }

  /** 激活终端: the first thing to do on an empty card, a secondary one once a terminal is saved. */
  private _activateButton(first: boolean) {
    return html`<button type="button" class=${first ? 'primary' : ''} data-action="activate" @click=${() => {
      this._activating = true;
      this._editing = null;
    }}>${this._i18n.t('upayActivation.activate')}</button>`;
  }

  /** 激活终端: the vendor's credentials and the 激活码; the vendor key is used once and not kept. */
  private _activationForm() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="keys" data-activate @submit=${this._activate}>
      <p class="muted wide">${t('upayActivation.hint')}</p>
      ${ACTIVATION_FIELDS.map(
        (
          name,
        ) => html`<label>${t(name === 'endpoint' ? 'paymentSetup.field.endpoint' : `upayActivation.field.${name}`)}
          <input name=${name} ?required=${name !== 'endpoint'} autocomplete="off"
            placeholder=${name === 'endpoint' ? t('paymentSetup.endpointDefault') : ''} /></label>`,
      )}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this._busy}>${t('upayActivation.activate')}</button>
        <button type="button" @click=${() => {
          this._activating = false;
        }}>${t('common.cancel')}</button>
      </div>
    </form>`;
  }

  private async _activate(event: Event): Promise<void> {
    event.preventDefault();
    const { endpoint, ...values } = formValues(event.target as HTMLFormElement);
    const body = { ...values, ...(endpoint ? { endpoint } : {}) } as unknown as Parameters<
      typeof activateUpay
    >[1];
    const setup = await this._run(() => activateUpay(this.ctx.auth, body), { key: 'upayActivation.done' });
    if (setup) {
      this._setup = setup;
      this._activating = false;
      this._tests = { ...this._tests, upay: undefined };
    }
  }

  private _testLine(provider: Provider, test: PaymentSetupTest) {
    const t = this._i18n.t.bind(this._i18n);
    if (test.ok)
      return html`<span class="test ok" role="status">${t('paymentSetup.testOk', { ms: test.ms })}</span>`;
    // The v2 API key and 收钱吧's terminal key are what a refused signature points at there.
    const why =
      test.why === 'signature_refused' && OTHER_CONTRACTS.has(provider)
        ? t(`paymentContracts.${provider}.refused` as MessageKey)
        : t(`paymentSetup.testFailed.${test.why}`);
    return html`<span class="test bad" role="status">${why}${
      test.detail ? html` <code>${test.detail}</code>` : nothing
    }</span>`;
  }

  private _keysForm(provider: Provider) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="keys" data-keys=${provider} @submit=${(event: Event) => this._saveKeys(event, provider)}>
      ${FIELDS[provider].map((name) => {
        if (LONG_FIELDS.has(name)) {
          return html`<label class="wide">${t(wordKey('field', name))}
              <textarea name=${name} required spellcheck="false" autocomplete="off"></textarea></label>`;
        }
        if (name === 'signType') {
          return html`<label>${t(wordKey('field', name))}
              <select name="signType">
                <option value="HMAC-SHA256" selected>HMAC-SHA256</option>
                <option value="MD5">MD5</option>
              </select></label>`;
        }
        return html`<label>${t(wordKey('field', name))}
              <input name=${name} ?required=${name !== 'endpoint'} autocomplete="off"
                placeholder=${name === 'endpoint' ? t('paymentSetup.endpointDefault') : ''} /></label>`;
      })}
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
    const setup = await this._run(() => changePaymentMode(this.ctx.auth, mode), { key: 'common.saved' });
    if (setup) this._setup = setup;
  }

  private async _saveKeys(event: Event, provider: Provider): Promise<void> {
    event.preventDefault();
    const { endpoint, ...values } = formValues(event.target as HTMLFormElement);
    const body = { ...values, ...(endpoint ? { endpoint } : {}) };
    const save = {
      wechat: () => saveWechatKeys(this.ctx.auth, body as unknown as Parameters<typeof saveWechatKeys>[1]),
      alipay: () => saveAlipayKeys(this.ctx.auth, body as unknown as Parameters<typeof saveAlipayKeys>[1]),
      wechatV2: () =>
        saveWechatV2Keys(this.ctx.auth, body as unknown as Parameters<typeof saveWechatV2Keys>[1]),
      upay: () => saveUpayKeys(this.ctx.auth, body as unknown as Parameters<typeof saveUpayKeys>[1]),
    }[provider];
    const setup = await this._run(save, { key: 'common.saved' });
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
