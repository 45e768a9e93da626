import { html } from 'lit';
import { customElement, query, queryAll } from 'lit/decorators.js';
import { AdminSection } from '../context.js';
import type { CampaignCard } from './campaign-card.js';
import './hg-admin-channels.js';
import type { HgAdminOutbox } from './hg-admin-outbox.js';
import './hg-admin-outbox.js';
import './hg-admin-triggers.js';

/**
 * Marketing for the owner, under the reports: where messages go, the automatic triggers, and
 * the outbox with a test send. The cards work as one: one action at a time, only the card that
 * acted last says how it went, and messages a check of the triggers queued show in the outbox.
 */
@customElement('hg-admin-campaigns')
export class HgAdminCampaigns extends AdminSection {
  @queryAll('hg-admin-channels, hg-admin-triggers, hg-admin-outbox')
  private _cards!: NodeListOf<CampaignCard>;
  @query('hg-admin-outbox') private _outbox!: HgAdminOutbox | null;

  protected override render() {
    return html`
      <hg-admin-channels .ctx=${this.ctx} @campaign-busy=${this._oneAtATime}></hg-admin-channels>
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
