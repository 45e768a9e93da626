import { css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import {
  CHANNELS,
  type Channel,
  type ChannelView,
  listChannels,
  SMTP_SECURITY,
  type SmtpSecurity,
  saveGateway,
  saveSmtp,
} from '../../../data/campaigns.js';
import { formValues, sectionStyles } from '../context.js';
import { CampaignCard, campaignStyles } from './campaign-card.js';

/**
 * Where the owner's messages go: the SMS and WeChat gateways and an SMTP server for e-mail.
 * Secrets are typed in, never shown back; left empty, the stored one is kept.
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

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const channels = await this._run(() => listChannels(this.ctx.auth));
    if (channels) this._channels = channels;
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

  private async _saveGateway(event: SubmitEvent, channel: 'sms' | 'wechat'): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const values = formValues(form);
    const saved = await this._run(
      () => saveGateway(this.ctx.auth, channel, values.url ?? '', values.token || undefined),
      this._t('campaigns.savedOk'),
    );
    if (saved) {
      form.reset();
      this._channels = await listChannels(this.ctx.auth);
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
      this._t('campaigns.savedOk'),
    );
    if (saved) {
      (form.elements.namedItem('password') as HTMLInputElement).value = '';
      this._channels = await listChannels(this.ctx.auth);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-channels': HgAdminChannels;
  }
}
