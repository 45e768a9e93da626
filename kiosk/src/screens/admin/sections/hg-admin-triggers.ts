import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import {
  type Channel,
  type ChannelView,
  type FireResult,
  listChannels,
  listTriggers,
  runTriggers,
  saveTrigger,
  TRIGGER_KINDS,
  type Trigger,
  type TriggerKind,
  type TriggerList,
} from '../../../data/campaigns.js';
import { type CouponTemplate, listCouponTemplates } from '../../../data/promotions.js';
import { formValues, sectionStyles } from '../context.js';
import { CampaignCard, campaignStyles } from './campaign-card.js';

/**
 * The automatic campaigns: birthday, dormant, points expiring, tier upgrade and first purchase,
 * each switched on with its days, channel, coupon and message template, and a check run now.
 * Through Alibaba or Tencent Cloud SMS a trigger also names the template the provider approved.
 * A check that ran sends `messages-queued`: the outbox has new messages to show.
 */
@customElement('hg-admin-triggers')
export class HgAdminTriggers extends CampaignCard {
  static override styles = [
    controls,
    sectionStyles,
    campaignStyles,
    css`
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
    `,
  ];

  @state() private _triggers: TriggerList | null = null;
  @state() private _coupons: CouponTemplate[] = [];
  @state() private _channels: ChannelView[] = [];
  @state() private _ran: Partial<Record<TriggerKind, FireResult>> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    await this._run(async () => {
      const [triggers, coupons, channels] = await Promise.all([
        listTriggers(this.ctx.auth),
        listCouponTemplates(this.ctx.auth),
        listChannels(this.ctx.auth),
      ]);
      this._triggers = triggers;
      this._coupons = coupons.filter((c) => c.active);
      this._channels = channels;
    });
  }

  /** Another card saved a channel: whether SMS goes through a provider may have changed. */
  refresh(): void {
    void this._load();
  }

  private get _provider() {
    return this._channels.find((c) => c.channel === 'sms')?.provider;
  }

  protected override render() {
    return html`
      <section class="card" data-card="triggers">
        <h3>${this._t('campaigns.triggers')}</h3>
        <p class="hint">
          ${this._t('campaigns.triggersHint')}
          ${this._triggers?.placeholders.map((p) => html`<code>{{${p}}}</code> `)}
        </p>
        <div class="triggers">${this._triggers?.items.map((trigger) => this._triggerForm(trigger))}</div>
        <div class="actions">
          <button type="button" @click=${this._runTriggers} ?disabled=${this._waiting}>${this._t('campaigns.runNow')}</button>
          ${this._ran ? this._ranSummary(this._ran) : nothing}
        </div>
        ${this._outcome()}
      </section>
    `;
  }

  private _triggerForm(trigger: Trigger) {
    const bounds = this._triggers?.days[trigger.kind] ?? null;
    return html`<form class="trigger" data-trigger=${trigger.kind} @submit=${(e: SubmitEvent) => this._saveTrigger(e, trigger)}>
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
          ${this._channelOptions(trigger.channel)}
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
      ${
        this._provider
          ? html`<label class="wide"
              >${this._t('marketing.templateCode')}<input
                name="templateCode"
                maxlength="40"
                .value=${trigger.templateCode ?? ''}
                placeholder=${this._provider.provider === 'aliyun' ? 'SMS_123456789' : '1234567'}
            /></label>`
          : nothing
      }
      <div class="actions wide"><button type="submit" class="primary" ?disabled=${this._waiting}>${this._t('campaigns.save')}</button></div>
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

  private async _saveTrigger(event: SubmitEvent, trigger: Trigger): Promise<void> {
    const kind = trigger.kind;
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(form);
    const enabled = (form.elements.namedItem('enabled') as HTMLInputElement).checked;
    // The provider sends approved templates only: said here, before the server refuses it.
    if (enabled && v.channel === 'sms' && this._provider && !v.templateCode?.trim()) {
      this._done = null;
      this._error = new InputError('triggerTemplateCode.needed');
      return;
    }
    const saved = await this._run(
      () =>
        saveTrigger(this.ctx.auth, kind, {
          enabled,
          days: v.days ? Number(v.days) : null,
          channel: (v.channel ?? 'sms') as Channel,
          template: v.template ?? '',
          couponTemplateId: v.couponTemplateId || null,
          // Kept when SMS goes through a gateway (the field is not shown then).
          templateCode: this._provider ? v.templateCode || null : trigger.templateCode,
        }),
      { key: 'campaigns.savedOk' },
    );
    if (saved && this._triggers) {
      this._triggers = {
        ...this._triggers,
        items: this._triggers.items.map((t) => (t.kind === kind ? saved : t)),
      };
    }
  }

  private async _runTriggers(): Promise<void> {
    const ran = await this._run(() => runTriggers(this.ctx.auth));
    if (ran) {
      this._ran = ran.results;
      this.dispatchEvent(new Event('messages-queued'));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-triggers': HgAdminTriggers;
  }
  interface HTMLElementEventMap {
    'messages-queued': Event;
  }
}
