import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { AUDIT_KINDS } from '../../../../../server/protocol/audit.js';
import { type AuditEntry, type AuditQuery, queryAudit } from '../../../data/audit.js';
import { dateTime } from '../../../data/format.js';
import { listStaff, type StaffMember } from '../../../data/staff.js';
import { AdminSection, formValues } from '../context.js';
import { auditDetailLines, auditKindName, auditSubject } from './audit-lines.js';

/** A `datetime-local` value (the browser's clock, which is the shop's) as ISO 8601 UTC. */
function iso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The audit log: who did what and when, filtered by time, staff member and kind; newest first. */
@customElement('hg-admin-audit')
export class HgAdminAudit extends AdminSection {
  @state() private _items: AuditEntry[] = [];
  @state() private _next: string | null = null;
  @state() private _staff: StaffMember[] = [];
  private _query: AuditQuery = { limit: 50 };

  override connectedCallback(): void {
    super.connectedCallback();
    void listStaff(this.ctx.auth).then(
      (staff) => (this._staff = staff),
      () => {},
    );
    void this._load(false);
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.audit')}</h2>
      <section class="card">
        <form class="grid" @submit=${this._filter} role="search" aria-label=${t('audit.filter')}>
          <label>${t('audit.from')}<input name="from" type="datetime-local" /></label>
          <label>${t('audit.to')}<input name="to" type="datetime-local" /></label>
          <label>${t('audit.staff')}
            <select name="staffId">
              <option value="">${t('audit.anyone')}</option>
              ${this._staff.map((member) => html`<option value=${member.id}>${member.name}</option>`)}
            </select>
          </label>
          <label>${t('audit.kind')}
            <select name="kind">
              <option value="">${t('audit.anyKind')}</option>
              ${AUDIT_KINDS.map((kind) => html`<option value=${kind}>${auditKindName(kind)}</option>`)}
            </select>
          </label>
          <div class="actions"><button type="submit" class="primary">${t('audit.apply')}</button></div>
        </form>
      </section>
      <hg-error detailed .error=${this._error}></hg-error>
      <section class="card">
        ${this._items.length === 0 ? html`<p class="empty">${t('audit.none')}</p>` : this._table()}
        ${this._next ? html`<button type="button" @click=${() => this._load(true)} ?disabled=${this._busy}>${t('audit.more')}</button>` : nothing}
      </section>
    `;
  }

  private _table() {
    const t = this._i18n.t.bind(this._i18n);
    const names = new Map(this._staff.map((member) => [member.id, member.name]));
    return html`<table>
      <thead><tr><th>${t('audit.at')}</th><th>${t('audit.kind')}</th><th>${t('audit.staff')}</th><th>${t('audit.subject')}</th><th>${t('audit.detail')}</th></tr></thead>
      <tbody>
        ${this._items.map(
          (entry) => html`<tr data-kind=${entry.kind}>
            <td class="nowrap">${dateTime(entry.at)}</td>
            <td>${auditKindName(entry.kind)}</td>
            <td class="nowrap">
              ${entry.staffId ? (names.get(entry.staffId) ?? entry.staffId) : entry.deviceId ? t('audit.device') : '—'}
              ${entry.approverId ? html`<div class="muted">${t('audit.approvedBy', { name: names.get(entry.approverId) ?? entry.approverId })}</div>` : nothing}
            </td>
            <td>${auditSubject(entry.subject)}</td>
            <td class="detail">${auditDetailLines(entry.detail ?? {}).map((line) => html`<div>${line}</div>`)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private async _filter(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const kind = AUDIT_KINDS.find((known) => known === v.kind);
    this._query = {
      limit: 50,
      ...(iso(v.from) ? { from: iso(v.from) } : {}),
      ...(iso(v.to) ? { to: iso(v.to) } : {}),
      ...(v.staffId ? { staffId: v.staffId } : {}),
      ...(kind ? { kind } : {}),
    };
    await this._load(false);
  }

  private async _load(more: boolean): Promise<void> {
    const query: AuditQuery = more && this._next ? { ...this._query, before: this._next } : this._query;
    const page = await this._run(() => queryAudit(this.ctx.auth, query));
    if (!page) return;
    this._items = more ? [...this._items, ...page.items] : page.items;
    this._next = page.nextBefore;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-audit': HgAdminAudit;
  }
}
