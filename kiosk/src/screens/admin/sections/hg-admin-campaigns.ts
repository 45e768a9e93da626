import { html } from 'lit';
import { customElement, query, queryAll } from 'lit/decorators.js';
import { AdminSection } from '../context.js';
import type { CampaignCard } from './campaign-card.js';
import type { HgAdminBroadcast } from './hg-admin-broadcast.js';
import './hg-admin-broadcast.js';
import './hg-admin-channels.js';
import type { HgAdminOutbox } from './hg-admin-outbox.js';
import './hg-admin-outbox.js';
import './hg-admin-segments.js';
import type { HgAdminTriggers } from './hg-admin-triggers.js';
import './hg-admin-triggers.js';

/**
 * Marketing, its own section of the admin page: 群发 to a segment, the segments, the automatic
 * triggers, where messages go, and the outbox with a test send. The cards work as one: one
 * action at a time, only the card that acted last says how it went, messages a 群发 or a check
 * of the triggers queued show in the outbox, and a saved segment or channel reaches the 群发.
 */
@customElement('hg-admin-campaigns')
export class HgAdminCampaigns extends AdminSection {
  @queryAll('hg-admin-broadcast, hg-admin-channels, hg-admin-triggers, hg-admin-outbox')
  private _cards!: NodeListOf<CampaignCard>;
  @query('hg-admin-outbox') private _outbox!: HgAdminOutbox | null;
  @query('hg-admin-broadcast') private _broadcast!: HgAdminBroadcast | null;
  @query('hg-admin-triggers') private _triggers!: HgAdminTriggers | null;

  protected override render() {
    const segments = html`<hg-admin-segments
      .ctx=${this.ctx}
      @segment-saved=${() => this._broadcast?.refresh()}
    ></hg-admin-segments>`;
    // Sending is the owner's alone (permission marketing.manage); a manager builds segments only.
    if (this.ctx.session.staff.role !== 'owner') return segments;
    return html`
      <hg-admin-broadcast
        .ctx=${this.ctx}
        @campaign-busy=${this._oneAtATime}
        @messages-queued=${() => this._outbox?.refresh()}
      ></hg-admin-broadcast>
      ${segments}
      <hg-admin-channels
        .ctx=${this.ctx}
        @campaign-busy=${this._oneAtATime}
        @channel-saved=${() => {
          this._broadcast?.refresh();
          this._triggers?.refresh();
        }}
      ></hg-admin-channels>
      <hg-admin-triggers
        .ctx=${this.ctx}
        @campaign-busy=${this._oneAtATime}
        @messages-queued=${() => this._outbox?.refresh()}
      ></hg-admin-triggers>
      <hg-admin-outbox .ctx=${this.ctx} @campaign-busy=${this._oneAtATime}></hg-admin-outbox>
    `;
  }

  /** A card's action starts (true) or ends (false): the other cards wait, and forget what they said. */
  private _oneAtATime(event: CustomEvent<boolean>): void {
    for (const card of this._cards) {
      if (card === event.target) continue;
      card.othersBusy = event.detail;
      if (event.detail) card.clearOutcome();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-campaigns': HgAdminCampaigns;
  }
}
