import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import {
  CHANNELS,
  type Channel,
  type ChannelView,
  deliverNow,
  type FireResult,
  listChannels,
  listTriggers,
  type OutboxPage,
  type OutboxStatus,
  outbox,
  runTriggers,
  SMTP_SECURITY,
  type SmtpSecurity,
  saveGateway,
  saveSmtp,
  saveTrigger,
  TRIGGER_KINDS,
  type Trigger,
  type TriggerKind,
  type TriggerList,
  testSend,
} from '../../../data/campaigns.js';
import { count, dateTime } from '../../../data/format.js';
import { type CouponTemplate, listCouponTemplates } from '../../../data/promotions.js';
import type { MessageKey, MessageOptions } from '../../../i18n/index.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

const STATUSES: readonly OutboxStatus[] = ['queued', 'sent', 'failed'];

/**
 * Marketing delivery for the owner: where messages go (SMS and WeChat gateways, an SMTP
 * server — secrets are typed in, never shown back), the automatic triggers, the outbox with
 * each message's attempts and last error, and a test send to the owner's own address.
 */
@customElement('hg-admin-campaigns')
export class HgAdminCampaigns extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
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
      .channels h4,
      .trigger h4 {
        margin: 0;
        display: flex;
        justify-content: space-between;
        gap: 0.5em;
      }
      .state {
        font-weight: 400;
        font-size: 0.85em;
        color: var(--hg-muted);
      }
      .state.on {
        color: var(--hg-ok);
      }
      .triggers {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(24em, 1fr));
        gap: 1em;
      }
      .trigger {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.5em 0.75em;
        border: 1px solid var(--hg-line);
        border-radius: 6px;
        padding: 0.75em;
      }
      .trigger h4,
      .trigger .wide {
        grid-column: 1 / -1;
      }
      .trigger label.check {
        flex-direction: row;
        align-items: center;
        gap: 0.4em;
      }
      textarea {
        min-height: 4.2em;
        font: inherit;
        resize: vertical;
      }
      .hint {
        color: var(--hg-muted);
        font-size: 0.85em;
        margin: 0;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      td.body {
        max-width: 22em;
      }
      td.error {
        color: var(--hg-danger, #b3261e);
        max-width: 16em;
      }
      .tabs button .n {
        opacity: 0.75;
        margin-left: 0.3em;
      }
    `,
  ];

  @state() private _channels: ChannelView[] = [];
  @state() private _triggers: TriggerList | null = null;
  @state() private _coupons: CouponTemplate[] = [];
  @state() private _status: OutboxStatus = 'queued';
  @state() private _outbox: OutboxPage | null = null;
  @state() private _ran: Partial<Record<TriggerKind, FireResult>> | null = null;
  @state() private _tested: { status: OutboxStatus; error: string | null } | null = null;
  /** The card whose action went wrong shows the error (the section is long). */
  @state() private _errorIn = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    await this._run(async () => {
      const [channels, triggers, coupons] = await Promise.all([
        listChannels(this.ctx.auth),
        listTriggers(this.ctx.auth),
        listCouponTemplates(this.ctx.auth),
      ]);
      this._channels = channels;
      this._triggers = triggers;
      this._coupons = coupons.filter((c) => c.active);
      this._outbox = await outbox(this.ctx.auth, this._status);
    });
  }

  /** Keys built from a kind or status (`campaigns.trigger_${kind}`) are all in the catalogue. */
  private _t(key: string, values?: MessageOptions): string {
    return this._i18n.t(key as MessageKey, values);
  }

  protected override render() {
    return html`
      <section class="card" data-card="channels">
        <h3>${this._t('campaigns.channels')}</h3>
        <p class="hint">${this._t('campaigns.secretsHint')}</p>
        <div class="channels">${CHANNELS.map((channel) => this._channelForm(channel))}</div>
        ${this._errorFor('channels')}
      </section>
      <section class="card" data-card="triggers">
        <h3>${this._t('campaigns.triggers')}</h3>
        <p class="hint">
          ${this._t('campaigns.triggersHint')}
          ${this._triggers?.placeholders.map((p) => html`<code>{{${p}}}</code> `)}
        </p>
        <div class="triggers">${this._triggers?.items.map((trigger) => this._triggerForm(trigger))}</div>
        <div class="actions">
          <button type="button" @click=${this._runTriggers} ?disabled=${this._busy}>${this._t('campaigns.runNow')}</button>
          ${this._ran ? this._ranSummary(this._ran) : nothing}
        </div>
        ${this._errorFor('triggers')}
      </section>
      <section class="card" data-card="outbox">
        <h3>${this._t('campaigns.outbox')}</h3>
        ${this._outboxView()}
        ${this._errorFor('outbox')}
      </section>
      <section class="card" data-card="test-send">
        <h3>${this._t('campaigns.testSend')}</h3>
        <form class="grid" @submit=${this._testSend}>
          <label
            >${this._t('campaigns.channel')}
            <select name="channel">
              ${CHANNELS.map((c) => html`<option value=${c}>${this._t(`campaigns.channel_${c}`)}</option>`)}
            </select>
          </label>
          <label>${this._t('campaigns.testTo')}<input name="to" required maxlength="254" /></label>
          <label class="wide"
            >${this._t('campaigns.template')}<textarea name="template" required maxlength="500">{{name}}，您有 {{points}} 积分</textarea></label
          >
          <div class="actions">
            <button type="submit" class="primary" ?disabled=${this._busy}>${this._t('campaigns.sendTest')}</button>
            ${
              this._tested
                ? html`<span class="done" data-test-result>${this._t('campaigns.testResult', {
                    status: this._t(`campaigns.status_${this._tested.status}`),
                    error: this._tested.error ?? '',
                  })}</span>`
                : nothing
            }
          </div>
        </form>
        ${this._errorFor('test-send')}
      </section>
      ${this._errorFor('')}
    `;
  }

  private _errorFor(card: string) {
    if (this._errorIn !== card) return nothing;
    return html`${this._done ? html`<p class="done">${this._done}</p>` : nothing}
      <hg-error detailed .error=${this._error}></hg-error>`;
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
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${this._t('campaigns.save')}</button></div>
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
      <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${this._t('campaigns.save')}</button></div>
    </form>`;
  }

  private _triggerForm(trigger: Trigger) {
    const bounds = this._triggers?.days[trigger.kind] ?? null;
    return html`<form class="trigger" data-trigger=${trigger.kind} @submit=${(e: SubmitEvent) => this._saveTrigger(e, trigger.kind)}>
      <h4>
        ${this._t(`campaigns.trigger_${trigger.kind}`)}
        <span class="state ${trigger.enabled ? 'on' : ''}">${this._t(trigger.enabled ? 'campaigns.on' : 'campaigns.off')}</span>
      </h4>
      <label class="check"><input type="checkbox" name="enabled" ?checked=${trigger.enabled} /> ${this._t('campaigns.enabled')}</label>
      ${
        bounds
          ? html`<label
              >${this._t(`campaigns.days_${trigger.kind}`)}<input
                name="days"
                type="number"
                min=${bounds.min}
                max=${bounds.max}
                .value=${String(trigger.days ?? bounds.default)}
            /></label>`
          : html`<span></span>`
      }
      <label
        >${this._t('campaigns.channel')}
        <select name="channel">
          ${CHANNELS.map((c) => html`<option value=${c} ?selected=${trigger.channel === c}>${this._t(`campaigns.channel_${c}`)}</option>`)}
        </select>
      </label>
      <label
        >${this._t('campaigns.coupon')}
        <select name="couponTemplateId">
          <option value="">${this._t('campaigns.noCoupon')}</option>
          ${this._coupons.map(
            (c) =>
              html`<option value=${c.id} ?selected=${trigger.couponTemplateId === c.id}>${c.name}</option>`,
          )}
        </select>
      </label>
      <label class="wide"
        >${this._t('campaigns.template')}<textarea name="template" required maxlength="500" .value=${trigger.template}></textarea>
      </label>
      <div class="actions wide"><button type="submit" class="primary" ?disabled=${this._busy}>${this._t('campaigns.save')}</button></div>
    </form>`;
  }

  private _ranSummary(ran: Partial<Record<TriggerKind, FireResult>>) {
    const kinds = TRIGGER_KINDS.filter((k) => ran[k]);
    if (kinds.length === 0) return html`<span class="hint">${this._t('campaigns.noneOn')}</span>`;
    return html`<span class="done" data-ran>
      ${kinds.map((k) => {
        const r = ran[k] as FireResult;
        return html`${this._t(`campaigns.trigger_${k}`)}: ${this._t('campaigns.ranLine', {
          queued: r.queued,
          exported: r.exported,
          capped: r.capped,
          already: r.already,
        })}
        `;
      })}
    </span>`;
  }

  private _outboxView() {
    const page = this._outbox;
    return html`
      <div class="actions">
        <div class="tabs" role="group">
          ${STATUSES.map(
            (
              s,
            ) => html`<button type="button" data-status=${s} aria-pressed=${s === this._status ? 'true' : 'false'} @click=${() => this._showStatus(s)}>
              ${this._t(`campaigns.status_${s}`)}<span class="n">${count(page?.counts[s] ?? 0)}</span>
            </button>`,
          )}
        </div>
        <button type="button" @click=${this._deliver} ?disabled=${this._busy}>${this._t('campaigns.deliverNow')}</button>
        <button type="button" @click=${() => this._showStatus(this._status)} ?disabled=${this._busy}>${this._t('campaigns.refresh')}</button>
      </div>
      ${
        page?.nextDueAt && this._status === 'queued'
          ? html`<p class="hint">${this._t('campaigns.nextDue', { at: dateTime(page.nextDueAt) })}</p>`
          : nothing
      }
      ${
        !page || page.messages.length === 0
          ? html`<p class="empty">${this._t('campaigns.outboxEmpty')}</p>`
          : html`<table data-outbox=${page.status}>
              <thead>
                <tr>
                  <th>${this._t('campaigns.col.created')}</th><th>${this._t('campaigns.col.campaign')}</th>
                  <th>${this._t('campaigns.col.member')}</th><th>${this._t('campaigns.col.to')}</th>
                  <th>${this._t('campaigns.channel')}</th><th>${this._t('campaigns.col.message')}</th>
                  <th class="n">${this._t('campaigns.col.attempts')}</th>
                  <th>${this._t(page.status === 'sent' ? 'campaigns.col.sentAt' : 'campaigns.col.nextAttempt')}</th>
                  <th>${this._t('campaigns.col.error')}</th>
                </tr>
              </thead>
              <tbody>
                ${page.messages.map(
                  (m) => html`<tr data-message=${m.id}>
                    <td>${dateTime(m.createdAt)}</td>
                    <td>${m.campaign ?? this._t('campaigns.testSend')}</td>
                    <td>${m.member ? `${m.member.number} ${m.member.name}` : '—'}</td>
                    <td>${m.to ?? ''}</td>
                    <td>${this._t(`campaigns.channel_${m.channel}`)}</td>
                    <td class="body">${m.body}</td>
                    <td class="n">${m.attempts}</td>
                    <td>${dateTime(m.status === 'sent' ? m.sentAt : m.nextAttemptAt)}</td>
                    <td class="error">${m.error ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }

  private async _showStatus(status: OutboxStatus): Promise<void> {
    this._errorIn = 'outbox';
    this._status = status;
    const page = await this._run(() => outbox(this.ctx.auth, status));
    if (page) this._outbox = page;
  }

  private async _saveGateway(event: SubmitEvent, channel: 'sms' | 'wechat'): Promise<void> {
    event.preventDefault();
    this._errorIn = 'channels';
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
    this._errorIn = 'channels';
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

  private async _saveTrigger(event: SubmitEvent, kind: TriggerKind): Promise<void> {
    event.preventDefault();
    this._errorIn = 'triggers';
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(form);
    const enabled = (form.elements.namedItem('enabled') as HTMLInputElement).checked;
    const saved = await this._run(
      () =>
        saveTrigger(this.ctx.auth, kind, {
          enabled,
          days: v.days ? Number(v.days) : null,
          channel: (v.channel ?? 'sms') as Channel,
          template: v.template ?? '',
          couponTemplateId: v.couponTemplateId || null,
        }),
      this._t('campaigns.savedOk'),
    );
    if (saved && this._triggers) {
      this._triggers = {
        ...this._triggers,
        items: this._triggers.items.map((t) => (t.kind === kind ? saved : t)),
      };
    }
  }

  private async _runTriggers(): Promise<void> {
    this._errorIn = 'triggers';
    const ran = await this._run(() => runTriggers(this.ctx.auth));
    if (ran) {
      this._ran = ran.results;
      await this._showStatus(this._status);
    }
  }

  private async _deliver(): Promise<void> {
    this._errorIn = 'outbox';
    await this._run(() => deliverNow(this.ctx.auth));
    await this._showStatus(this._status);
  }

  private async _testSend(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this._errorIn = 'test-send';
    const v = formValues(event.currentTarget as HTMLFormElement);
    const sent = await this._run(() =>
      testSend(this.ctx.auth, (v.channel ?? 'sms') as Channel, v.to ?? '', v.template ?? ''),
    );
    if (sent) {
      this._tested = { status: sent.status, error: sent.error };
      await this._showStatus(this._status);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-campaigns': HgAdminCampaigns;
  }
}
