import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import {
  CHANNELS,
  type Channel,
  type ChannelView,
  type DeliverySettings,
  deliverySettings,
  listChannels,
  SMS_PROVIDERS,
  SMTP_SECURITY,
  type SmsProviderName,
  type SmtpSecurity,
  saveDeliverySettings,
  saveGateway,
  saveSmsProvider,
  saveSmtp,
} from '../../../data/campaigns.js';
import { parseYuan } from '../../../data/format.js';
import { formValues, sectionStyles } from '../context.js';
import { CampaignCard, campaignStyles } from './campaign-card.js';

/**
 * Where the owner's messages go: SMS through Alibaba Cloud, Tencent Cloud or an HTTP gateway
 * (with the price of one SMS, for the cost shown before a 群发), the WeChat gateway and an SMTP
 * server for e-mail. Secrets are typed in, never shown back; left empty, the stored one is kept.
 */
@customElement('hg-admin-channels')
export class HgAdminChannels extends CampaignCard {
  static override styles = [
    controls,
    sectionStyles,
    campaignStyles,
    css`
      .channels {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(20em, 1fr));
        gap: 1em;
      }
      .channels form {
        display: flex;
        flex-direction: column;
        gap: 0.5em;
        border: 1px solid var(--hg-line);
        border-radius: 6px;
        padding: 0.75em;
      }
    `,
  ];

  @state() private _channels: ChannelView[] = [];
  @state() private _settings: DeliverySettings | null = null;
  /** The SMS form's way out: the gateway or a provider (chosen, or as saved). */
  @state() private _smsKind: 'gateway' | SmsProviderName | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const loaded = await this._run(() =>
      Promise.all([listChannels(this.ctx.auth), deliverySettings(this.ctx.auth)]),
    );
    if (loaded) [this._channels, this._settings] = loaded;
  }

  private async _saved(): Promise<void> {
    this._channels = await listChannels(this.ctx.auth);
    this.dispatchEvent(new Event('channel-saved'));
  }

  protected override render() {
    return html`
      <section class="card" data-card="channels">
        <h3>${this._t('campaigns.channels')}</h3>
        <p class="hint">${this._t('campaigns.secretsHint')}</p>
        <div class="channels">${CHANNELS.map((channel) => this._channelForm(channel))}</div>
        ${this._outcome()}
      </section>
    `;
  }

  private _channelState(view: ChannelView | undefined) {
    const on = view?.configured === true;
    return html`<span class="state ${on ? 'on' : ''}" data-configured=${on ? 'yes' : 'no'}
      >${this._t(on ? 'campaigns.configured' : 'campaigns.notConfigured')}</span
    >`;
  }

  private _channelForm(channel: Channel) {
    const view = this._channels.find((c) => c.channel === channel);
    if (channel === 'email') {
      const smtp = view?.smtp;
      return html`<form data-channel="email" @submit=${this._saveSmtp}>
        <h4>${this._t('campaigns.channel_email')} ${this._channelState(view)}</h4>
        <label>${this._t('campaigns.smtpHost')}<input name="host" required .value=${smtp?.host ?? ''} /></label>
        <label
          >${this._t('campaigns.smtpPort')}<input name="port" inputmode="numeric" required .value=${String(smtp?.port ?? 587)}
        /></label>
        <label
          >${this._t('campaigns.smtpSecurity')}
          <select name="security">
            ${SMTP_SECURITY.map(
              (s) =>
                html`<option value=${s} ?selected=${(smtp?.security ?? 'starttls') === s}>${this._t(`campaigns.security_${s}`)}</option>`,
            )}
          </select>
        </label>
        <label>${this._t('campaigns.smtpUser')}<input name="username" autocomplete="off" .value=${smtp?.username ?? ''} /></label>
        <label
          >${this._t('campaigns.smtpPassword')}<input
            name="password"
            type="password"
            autocomplete="new-password"
            placeholder=${view?.hasPassword ? this._t('campaigns.keepSecret') : ''}
        /></label>
        <label>${this._t('campaigns.smtpFrom')}<input name="from" type="email" required .value=${smtp?.from ?? ''} /></label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._waiting}>${this._t('campaigns.save')}</button></div>
      </form>`;
    }
    if (channel === 'sms') return this._smsForm(view);
    return html`<form data-channel=${channel} @submit=${(e: SubmitEvent) => this._saveGateway(e, channel)}>
      <h4>${this._t(`campaigns.channel_${channel}`)} ${this._channelState(view)}</h4>
      <label>${this._t('campaigns.gatewayUrl')}<input name="url" type="url" required .value=${view?.url ?? ''} /></label>
      <label
        >${this._t('campaigns.gatewayToken')}<input
          name="token"
          type="password"
          autocomplete="new-password"
          placeholder=${view?.hasToken ? this._t('campaigns.keepSecret') : ''}
      /></label>
      <div class="actions"><button type="submit" class="primary" ?disabled=${this._waiting}>${this._t('campaigns.save')}</button></div>
    </form>`;
  }

  /** SMS: the provider with its keys and 签名, or the gateway; and the price of one SMS. */
  private _smsForm(view: ChannelView | undefined) {
    const provider = view?.provider;
    const kind = this._smsKind ?? provider?.provider ?? 'gateway';
    const mine = provider?.provider === kind ? provider : undefined;
    const secret = (name: string, label: string) =>
      html`<label>${this._t(label)}<input name=${name} type="password" autocomplete="new-password" placeholder=${mine && view?.hasToken ? this._t('campaigns.keepSecret') : ''} /></label>`;
    const price = this._settings ? (this._settings.smsPriceFen / 100).toFixed(2) : '';
    return html`<form data-channel="sms" @submit=${this._saveSms}>
      <h4>${this._t('campaigns.channel_sms')} ${this._channelState(view)}</h4>
      <label
        >${this._t('marketing.smsVia')}
        <select name="kind" .value=${kind} @change=${(e: Event) => (this._smsKind = (e.target as HTMLSelectElement).value as typeof kind)}>
          ${['gateway', ...SMS_PROVIDERS].map(
            (k) => html`<option value=${k} ?selected=${k === kind}>${this._t(`marketing.via_${k}`)}</option>`,
          )}
        </select>
      </label>
      ${
        kind === 'gateway'
          ? html`<label>${this._t('campaigns.gatewayUrl')}<input name="url" type="url" required .value=${provider ? '' : (view?.url ?? '')} /></label>
              <label>${this._t('campaigns.gatewayToken')}<input name="token" type="password" autocomplete="new-password" placeholder=${!provider && view?.hasToken ? this._t('campaigns.keepSecret') : ''} /></label>`
          : kind === 'aliyun'
            ? html`<label>AccessKey ID<input name="keyId" required autocomplete="off" placeholder=${mine?.keyId ?? ''} /></label>
                ${secret('secret', 'marketing.aliyunSecret')}`
            : html`<label>SecretId<input name="keyId" required autocomplete="off" placeholder=${mine?.keyId ?? ''} /></label>
                ${secret('secret', 'marketing.tencentSecret')}
                <label>SmsSdkAppId<input name="sdkAppId" required inputmode="numeric" .value=${mine?.sdkAppId ?? ''} /></label>
                <label>${this._t('marketing.region')}<input name="region" required .value=${mine?.region ?? 'ap-guangzhou'} /></label>`
      }
      ${
        kind === 'gateway'
          ? nothing
          : html`<label>${this._t('marketing.signName')}<input name="signName" required maxlength="20" .value=${mine?.signName ?? ''} /></label>
            ${mine?.replyPath ? html`<p class="hint" data-reply-path>${this._t('marketing.replyPath', { path: mine.replyPath })}</p>` : nothing}`
      }
      <label>${this._t('marketing.smsPrice')}<input name="price" inputmode="decimal" .value=${price} /></label>
      <div class="actions"><button type="submit" class="primary" ?disabled=${this._waiting}>${this._t('campaigns.save')}</button></div>
    </form>`;
  }

  private async _saveSms(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(form);
    const priceFen = parseYuan(v.price || '0') ?? 0;
    const saved = await this._run(
      async () => {
        if (v.kind === 'aliyun') {
          await saveSmsProvider(
            this.ctx.auth,
            { provider: 'aliyun', accessKeyId: v.keyId ?? '', signName: v.signName ?? '' },
            v.secret || undefined,
          );
        } else if (v.kind === 'tencent') {
          await saveSmsProvider(
            this.ctx.auth,
            {
              provider: 'tencent',
              secretId: v.keyId ?? '',
              sdkAppId: v.sdkAppId ?? '',
              region: v.region ?? 'ap-guangzhou',
              signName: v.signName ?? '',
            },
            v.secret || undefined,
          );
        } else {
          await saveGateway(this.ctx.auth, 'sms', v.url ?? '', v.token || undefined);
        }
        this._settings = await saveDeliverySettings(this.ctx.auth, { smsPriceFen: priceFen });
        return true;
      },
      { key: 'campaigns.savedOk' },
    );
    if (saved) {
      for (const name of ['secret', 'token', 'keyId']) {
        const input = form.elements.namedItem(name);
        if (input instanceof HTMLInputElement) input.value = '';
      }
      this._smsKind = null;
      await this._saved();
    }
  }

  private async _saveGateway(event: SubmitEvent, channel: 'sms' | 'wechat'): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const values = formValues(form);
    const saved = await this._run(
      () => saveGateway(this.ctx.auth, channel, values.url ?? '', values.token || undefined),
      { key: 'campaigns.savedOk' },
    );
    if (saved) {
      form.reset();
      await this._saved();
    }
  }

  private async _saveSmtp(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(form);
    const saved = await this._run(
      () =>
        saveSmtp(
          this.ctx.auth,
          {
            host: v.host ?? '',
            port: Number(v.port),
            security: (v.security ?? 'starttls') as SmtpSecurity,
            ...(v.username ? { username: v.username } : {}),
            from: v.from ?? '',
          },
          v.password || undefined,
        ),
      { key: 'campaigns.savedOk' },
    );
    if (saved) {
      (form.elements.namedItem('password') as HTMLInputElement).value = '';
      await this._saved();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-channels': HgAdminChannels;
  }
}
