import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import {
  type Broadcast,
  type CampaignPreview,
  type Channel,
  type ChannelView,
  listChannels,
  previewBroadcast,
  sendBroadcast,
} from '../../../data/campaigns.js';
import { count, money } from '../../../data/format.js';
import { type CountedSegment, listSegments } from '../../../data/reports.js';
import type { Said } from '../../../i18n/index.js';
import { formValues, sectionStyles } from '../context.js';
import { CampaignCard, campaignStyles } from './campaign-card.js';

/**
 * 群发: one message to a saved segment. The owner first sees who gets it and who is left out
 * (no consent, no number, over the frequency cap), the first messages with the member's name,
 * and for SMS how many SMS that makes and what they cost; sending goes through the outbox.
 */
@customElement('hg-admin-broadcast')
export class HgAdminBroadcast extends CampaignCard {
  static override styles = [
    controls,
    sectionStyles,
    campaignStyles,
    css`
      form {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 0.6em 1em;
        align-items: end;
      }
      form .wide {
        grid-column: 1 / -1;
      }
      .figures {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em 1.5em;
        margin: 0.8em 0 0.4em;
      }
      .figures strong {
        font-size: 1.4em;
        font-variant-numeric: tabular-nums;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @state() private _segments: CountedSegment[] = [];
  @state() private _channels: ChannelView[] = [];
  @state() private _channel: Channel = 'sms';
  @state() private _preview: CampaignPreview | null = null;
  /** What the last send queued: kept when another card acts (the outbox refreshing after it). */
  @state() private _sent: Said | null = null;
  /** The form as previewed: sending is offered only for what the owner has seen. */
  private _previewed: Broadcast | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const [segments, channels] = (await this._run(() =>
      Promise.all([listSegments(this.ctx.auth), listChannels(this.ctx.auth)]),
    )) ?? [[], []];
    this._segments = segments;
    this._channels = channels;
  }

  /** Another card saved a segment or a channel: read them again. */
  refresh(): void {
    void this._load();
  }

  private get _provider() {
    return this._channels.find((c) => c.channel === 'sms')?.provider;
  }

  protected override render() {
    const preview = this._preview;
    return html`
      <section class="card" data-card="broadcast">
        <h3>${this._t('marketing.broadcast')}</h3>
        <p class="hint">${this._t('marketing.broadcastHint')}</p>
        <form @input=${this._changed} @submit=${this._submit}>
          <label>${this._t('marketing.campaignName')}<input name="name" maxlength="60" required /></label>
          <label
            >${this._t('campaigns.channel')}
            <select name="channel">
              ${this._channelOptions(this._channel)}
            </select>
          </label>
          <label
            >${this._t('marketing.segment')}
            <select name="segmentId" required>
              <option value="">—</option>
              ${this._segments.map(
                (s) =>
                  html`<option value=${s.id}>${this._t('marketing.segmentOption', { name: s.name, count: count(s.count) })}</option>`,
              )}
            </select>
          </label>
          <label class="wide"
            >${this._t('campaigns.template')}
            <textarea name="template" maxlength="500" required placeholder=${this._t('marketing.templatePlaceholder')}></textarea>
          </label>
          ${
            this._channel === 'sms' && this._provider
              ? html`<label
                  >${this._t('marketing.templateCode')}<input name="templateCode" required placeholder=${this._provider.provider === 'aliyun' ? 'SMS_123456789' : '1234567'}
                /></label>`
              : nothing
          }
          <div class="actions wide">
            <button type="submit" name="preview" ?disabled=${this._waiting}>${this._t('marketing.preview')}</button>
            <button type="button" class="primary" data-send ?disabled=${this._waiting || !this._previewed || (preview?.recipients ?? 0) === 0} @click=${this._send}>
              ${this._t('marketing.send', { count: count(preview?.recipients ?? 0) })}
            </button>
          </div>
        </form>
        ${preview ? this._previewBlock(preview) : nothing}
        ${this._sent ? html`<p class="done" data-sent>${this._i18n.t(this._sent.key, this._sent.options)}</p>` : nothing}
        ${this._outcome()}
      </section>
    `;
  }

  private _previewBlock(p: CampaignPreview) {
    const sms = p.sms;
    return html`<div data-preview>
      <div class="figures">
        <span>${this._t('marketing.recipients')} <strong data-recipients>${count(p.recipients)}</strong></span>
        <span>${this._t('marketing.ofSegment', { count: count(p.segmentSize) })}</span>
        <span>${this._t('marketing.leftOut', {
          consent: count(p.withoutConsent),
          address: count(p.withoutAddress),
          capped: count(p.capped),
        })}</span>
        ${
          sms
            ? html`<span data-sms-count>${this._t('marketing.smsCount', { count: count(sms.parts) })}</span>
                <span data-sms-cost>${
                  sms.priceFen > 0
                    ? this._t('marketing.smsCost', { price: money(sms.priceFen), cost: money(sms.costFen) })
                    : this._t('marketing.noPrice')
                }</span>`
            : nothing
        }
      </div>
      ${p.configured ? nothing : html`<p class="hint">${this._t('marketing.willExport')}</p>`}
      <table>
        <thead><tr><th>${this._t('reports.col.name')}</th><th>${this._t('campaigns.col.message')}</th>${sms ? html`<th class="n">${this._t('marketing.smsParts')}</th>` : nothing}</tr></thead>
        <tbody>
          ${p.sample.map(
            (row) =>
              html`<tr><td>${row.name}</td><td>${row.text}</td>${sms ? html`<td class="n">${row.sms}</td>` : nothing}</tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private _values(form: HTMLFormElement) {
    const v = formValues(form);
    return {
      name: v.name ?? '',
      broadcast: {
        channel: (v.channel ?? 'sms') as Channel,
        segmentId: v.segmentId ?? '',
        template: v.template ?? '',
      },
      templateCode: v.templateCode || undefined,
    };
  }

  /** Anything changed: what was previewed no longer holds. */
  private _changed(event: Event): void {
    const { broadcast } = this._values(event.currentTarget as HTMLFormElement);
    this._channel = broadcast.channel;
    this._sent = null;
    if (JSON.stringify(broadcast) === JSON.stringify(this._previewed)) return;
    this._previewed = null;
    this._preview = null;
  }

  private async _submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { broadcast } = this._values(event.currentTarget as HTMLFormElement);
    const preview = await this._run(() => previewBroadcast(this.ctx.auth, broadcast));
    if (preview) {
      this._preview = preview;
      this._previewed = broadcast;
    }
  }

  private async _send(): Promise<void> {
    const form = this.renderRoot.querySelector('form');
    if (!form || !this._previewed) return;
    const { name, templateCode } = this._values(form);
    if (!name) {
      form.reportValidity();
      return;
    }
    const broadcast = this._previewed;
    const sent = await this._run(() =>
      sendBroadcast(this.ctx.auth, { ...broadcast, name, ...(templateCode && { templateCode }) }),
    );
    if (!sent) return;
    this._sent = {
      key: 'marketing.sent',
      options: { queued: count(sent.queued), exported: count(sent.exported), capped: count(sent.capped) },
    };
    this._previewed = null;
    this._preview = null;
    form.reset();
    this.dispatchEvent(new CustomEvent('messages-queued', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-broadcast': HgAdminBroadcast;
  }
}
