import { css, html } from 'lit';
import { property } from 'lit/decorators.js';
import { CHANNELS, type Channel } from '../../../data/campaigns.js';
import type { MessageKey, MessageOptions, Said } from '../../../i18n/index.js';
import { AdminSection } from '../context.js';

/** The look the marketing cards share: a title row with its state, hints, message templates. */
export const campaignStyles = css`
  h4 {
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
`;

/**
 * A card of the owner's marketing (channels, triggers, outbox): texts keyed by channel, kind or
 * status, the channel choice, and the line saying how the card's last action went. The cards work
 * as one section: each action sends `campaign-busy` (true, then false) so that hg-admin-campaigns
 * makes the other cards wait and clears what they said.
 */
export class CampaignCard extends AdminSection {
  /** Another card's action is running: this card's buttons wait too. */
  @property({ attribute: false }) othersBusy = false;

  /** An action of this card or another one is running. */
  protected get _waiting(): boolean {
    return this._busy || this.othersBusy;
  }

  /** Another card acted: only the card that acted last says how it went. */
  clearOutcome(): void {
    this._done = null;
    this._error = null;
  }

  protected override async _run<T>(
    action: () => Promise<T>,
    done: Said | null = null,
  ): Promise<T | undefined> {
    this.dispatchEvent(new CustomEvent('campaign-busy', { detail: true }));
    try {
      return await super._run(action, done);
    } finally {
      this.dispatchEvent(new CustomEvent('campaign-busy', { detail: false }));
    }
  }

  /** Keys built from a kind or status (`campaigns.trigger_${kind}`) are all in the catalogue. */
  protected _t(key: string, values?: MessageOptions): string {
    return this._i18n.t(key as MessageKey, values);
  }

  /** The options of a channel `<select>`, `selected` chosen. */
  protected _channelOptions(selected?: Channel) {
    return CHANNELS.map(
      (c) =>
        html`<option value=${c} ?selected=${selected === c}>${this._t(`campaigns.channel_${c}`)}</option>`,
    );
  }

  /** Under the card: that its last action worked, or what went wrong. */
  protected _outcome() {
    return html`${this._doneLine()}
      <hg-error detailed .error=${this._error}></hg-error>`;
  }
}

declare global {
  interface HTMLElementEventMap {
    'campaign-busy': CustomEvent<boolean>;
  }
}
