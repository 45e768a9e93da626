import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import { count, money, parseYuan } from '../../../data/format.js';
import { type LoyaltyTier, loyaltySettings } from '../../../data/loyalty.js';
import {
  type CountedSegment,
  deleteSegment,
  listSegments,
  previewSegment,
  RFM_SEGMENTS,
  type RfmSegment,
  type SegmentDefinition,
  type SegmentMember,
  saveSegment,
  segmentFile,
} from '../../../data/reports.js';
import type { MessageKey } from '../../../i18n/index.js';
import { AdminSection, download, formValues, sectionStyles } from '../context.js';

const list = (text: string | undefined): string[] | undefined => {
  const items = (text ?? '')
    .split(/[,，\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
};
const whole = (text: string | undefined): number | undefined =>
  text && /^\d+$/.test(text) ? Number(text) : undefined;
const bounds = (min: number | undefined, max: number | undefined) =>
  min === undefined && max === undefined
    ? undefined
    : { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };

/** The builder's fields → a segment definition; empty fields are no condition. */
export function definitionFrom(
  values: Record<string, string>,
  rfm: readonly RfmSegment[],
): SegmentDefinition {
  const yuan = (text: string | undefined) => (text ? (parseYuan(text) ?? undefined) : undefined);
  const definition: SegmentDefinition = {};
  const tiers = list(values.tiers);
  const tags = list(values.tags);
  const sizes = list(values.sizes);
  const month = whole(values.birthdayMonth);
  const days = bounds(whole(values.daysMin), whole(values.daysMax));
  const spend = bounds(yuan(values.spendMin), yuan(values.spendMax));
  if (tiers) definition.tiers = tiers;
  if (tags) definition.tags = tags;
  if (sizes) definition.sizes = sizes;
  if (rfm.length > 0) definition.rfmSegments = [...rfm];
  if (month) definition.birthdayMonths = [month];
  if (days) definition.daysSinceLastVisit = days;
  if (spend) definition.spend = spend;
  return definition;
}

/** Member segments: conditions on the left, the live count and the first members on the right; saved segments below. */
@customElement('hg-admin-segments')
export class HgAdminSegments extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .count strong {
        font-size: 2em;
        font-variant-numeric: tabular-nums;
      }
      fieldset {
        border: 1px solid var(--hg-line);
        border-radius: 6px;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em 1em;
        grid-column: 1 / -1;
      }
      fieldset label {
        display: flex;
        flex-direction: row;
        gap: 0.3em;
        align-items: center;
      }
    `,
  ];

  @state() private _rfm: RfmSegment[] = [];
  /** The shop's tiers, picked by name (the segment keeps their codes). */
  @state() private _tiers: LoyaltyTier[] = [];
  @state() private _count: number | null = null;
  @state() private _sample: SegmentMember[] = [];
  @state() private _saved: CountedSegment[] = [];
  private _definition: SegmentDefinition = {};
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _abort: AbortController | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._preview();
    void this._loadSaved();
    void this._loadTiers();
  }

  private async _loadTiers(): Promise<void> {
    const loaded = await this._run(() => loyaltySettings(this.ctx.auth));
    if (loaded) this._tiers = [...loaded.tiers].sort((a, b) => a.rank - b.rank);
  }

  private _tx(key: string, fallback: string): string {
    const text = this._i18n.t(key as MessageKey);
    return text === key ? fallback : text;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <section class="card">
        <h3>${t('segments.title')}</h3>
        <div class="split">
          <form class="grid" @input=${this._changed} @submit=${this._save}>
            <fieldset>
              <legend>${t('segments.tiers')}</legend>
              ${this._tiers.map(
                (tier) =>
                  html`<label><input type="checkbox" name="tier" value=${tier.code} /> ${tier.name}</label>`,
              )}
            </fieldset>
            <label>${t('segments.tags')}<input name="tags" /></label>
            <label>${t('segments.sizes')}<input name="sizes" placeholder="S, M" /></label>
            <label
              >${t('segments.birthdayMonth')}
              <select name="birthdayMonth">
                <option value="">—</option>
                ${Array.from({ length: 12 }, (_, i) => html`<option value=${i + 1}>${i + 1}</option>`)}
              </select>
            </label>
            <label>${t('segments.daysMin')}<input name="daysMin" inputmode="numeric" /></label>
            <label>${t('segments.daysMax')}<input name="daysMax" inputmode="numeric" /></label>
            <label>${t('segments.spendMin')}<input name="spendMin" inputmode="decimal" /></label>
            <label>${t('segments.spendMax')}<input name="spendMax" inputmode="decimal" /></label>
            <fieldset>
              <legend>${t('segments.rfm')}</legend>
              ${RFM_SEGMENTS.map(
                (segment) => html`<label
                  ><input type="checkbox" name="rfm" value=${segment} ?checked=${this._rfm.includes(segment)} />
                  ${this._tx(`reports.value.${segment}`, segment)}</label
                >`,
              )}
            </fieldset>
            <label>${t('segments.name')}<input name="name" maxlength="60" /></label>
            <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('segments.save')}</button></div>
          </form>
          <div>
            <p class="count" data-segment-count=${this._count ?? ''}>
              ${t('segments.count')} <strong>${this._count === null ? '…' : count(this._count)}</strong>
            </p>
            ${
              this._sample.length === 0
                ? nothing
                : html`<table>
                    <thead><tr><th>${t('reports.col.number')}</th><th>${t('reports.col.name')}</th><th>${t('reports.col.segment')}</th><th>${t('reports.col.lastDay')}</th><th class="n">${t('reports.col.monetary')}</th></tr></thead>
                    <tbody>
                      ${this._sample
                        .slice(0, 10)
                        .map(
                          (m) =>
                            html`<tr><td>${m.number}</td><td>${m.name}</td><td>${this._tx(`reports.value.${m.segment}`, m.segment)}</td><td>${m.lastDay ?? ''}</td><td class="n">${money(m.spend)}</td></tr>`,
                        )}
                    </tbody>
                  </table>`
            }
          </div>
        </div>
        ${this._doneLine()}
        <hg-error .error=${this._error}></hg-error>
      </section>
      <section class="card">
        <h3>${t('segments.saved')}</h3>
        ${
          this._saved.length === 0
            ? html`<p class="empty">${t('segments.none')}</p>`
            : html`<table>
                <thead><tr><th>${t('segments.name')}</th><th class="n">${t('segments.count')}</th><th></th></tr></thead>
                <tbody>
                  ${this._saved.map(
                    (s) => html`<tr data-segment=${s.name}>
                      <td>${s.name}</td><td class="n">${count(s.count)}</td>
                      <td class="actions">
                        <button type="button" @click=${() => this._download(s)}>${t('reports.csv')}</button>
                        <button type="button" @click=${() => this._delete(s)}>${t('segments.delete')}</button>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>
    `;
  }

  private _changed(event: Event): void {
    const form = event.currentTarget as HTMLFormElement;
    this._rfm = [...form.querySelectorAll<HTMLInputElement>('input[name="rfm"]:checked')].map(
      // The boxes are drawn from RFM_SEGMENTS, so their values are its names.
      (box) => box.value as RfmSegment,
    );
    const tiers = [...form.querySelectorAll<HTMLInputElement>('input[name="tier"]:checked')].map(
      (box) => box.value,
    );
    this._definition = definitionFrom({ ...formValues(form), tiers: tiers.join(',') }, this._rfm);
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this._preview(), 250);
  }

  private async _preview(): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    try {
      const found = await previewSegment(this.ctx.auth, this._definition, abort.signal);
      this._count = found.count;
      this._sample = found.members;
      this._error = null;
    } catch (error) {
      if (!abort.signal.aborted) this._error = error;
    }
  }

  private async _loadSaved(): Promise<void> {
    const found = await this._run(() => listSegments(this.ctx.auth));
    if (found) this._saved = found;
  }

  private async _save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = formValues(event.currentTarget as HTMLFormElement).name ?? '';
    const saved = await this._run(() => saveSegment(this.ctx.auth, name, this._definition), {
      key: 'segments.savedOk',
    });
    if (saved) {
      await this._loadSaved();
      this.dispatchEvent(new Event('segment-saved'));
    }
  }

  private async _download(segment: CountedSegment): Promise<void> {
    const file = await this._run(() => segmentFile(this.ctx.auth, segment.id));
    if (file) download(file.blob, file.fileName);
  }

  private async _delete(segment: CountedSegment): Promise<void> {
    await this._run(() => deleteSegment(this.ctx.auth, segment.id));
    await this._loadSaved();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-segments': HgAdminSegments;
  }
}
