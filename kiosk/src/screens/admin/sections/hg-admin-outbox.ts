import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import {
  type Channel,
  deliverNow,
  type OutboxPage,
  type OutboxStatus,
  outbox,
  testSend,
} from '../../../data/campaigns.js';
import { count, dateTime } from '../../../data/format.js';
import { formValues, sectionStyles } from '../context.js';
import { CampaignCard, campaignStyles } from './campaign-card.js';

const STATUSES: readonly OutboxStatus[] = ['queued', 'sent', 'delivered', 'failed'];

/**
 * The outbox: messages queued, sent and failed, each with its attempts and last error, delivery
 * now; and a test send to the owner's own phone, WeChat or address, which lands in it too.
 */
@customElement('hg-admin-outbox')
export class HgAdminOutbox extends CampaignCard {
  static override styles = [
    controls,
    sectionStyles,
    campaignStyles,
    css`
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

  @state() private _status: OutboxStatus = 'queued';
  @state() private _outbox: OutboxPage | null = null;
  @state() private _tested: { status: OutboxStatus; error: string | null } | null = null;
  /** The card whose action went wrong shows the error. */
  @state() private _errorIn: 'outbox' | 'test-send' = 'outbox';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reads the messages of the status on show again, e.g. after a check queued new ones. */
  refresh(): Promise<void> {
    return this._showStatus(this._status);
  }

  protected override render() {
    return html`
      <section class="card" data-card="outbox">
        <h3>${this._t('campaigns.outbox')}</h3>
        ${this._outboxView()}
        ${this._errorIn === 'outbox' ? this._outcome() : nothing}
      </section>
      <section class="card" data-card="test-send">
        <h3>${this._t('campaigns.testSend')}</h3>
        <form class="grid" @submit=${this._testSend}>
          <label
            >${this._t('campaigns.channel')}
            <select name="channel">
              ${this._channelOptions()}
            </select>
          </label>
          <label>${this._t('campaigns.testTo')}<input name="to" required maxlength="254" /></label>
          <label class="wide"
            >${this._t('campaigns.template')}<textarea name="template" required maxlength="500">{{name}}，您有 {{points}} 积分</textarea></label
          >
          <div class="actions">
            <button type="submit" class="primary" ?disabled=${this._waiting}>${this._t('campaigns.sendTest')}</button>
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
        ${this._errorIn === 'test-send' ? this._outcome() : nothing}
      </section>
    `;
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
        <button type="button" @click=${this._deliver} ?disabled=${this._waiting}>${this._t('campaigns.deliverNow')}</button>
        <button type="button" @click=${this.refresh} ?disabled=${this._waiting}>${this._t('campaigns.refresh')}</button>
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
                  <th>${this._t(page.status === 'sent' || page.status === 'delivered' ? 'campaigns.col.sentAt' : 'campaigns.col.nextAttempt')}</th>
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
                    <td>${dateTime(m.status === 'sent' || m.status === 'delivered' ? m.sentAt : m.nextAttemptAt)}</td>
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

  private async _deliver(): Promise<void> {
    this._errorIn = 'outbox';
    await this._run(() => deliverNow(this.ctx.auth));
    await this.refresh();
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
      await this.refresh();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-outbox': HgAdminOutbox;
  }
}
