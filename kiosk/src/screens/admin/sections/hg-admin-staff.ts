import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import type { StaffRole } from '../../../../../server/protocol/roles.js';
import { dateTime } from '../../../data/format.js';
import {
  addStaff,
  changeStaff,
  listStaff,
  type StaffChanges,
  type StaffMember,
  unlockStaff,
} from '../../../data/staff.js';
import { type StoreList, storeList } from '../../../data/stores.js';
import { AdminSection, formValues } from '../context.js';

const ROLES: StaffRole[] = ['owner', 'manager', 'cashier'];

/**
 * Staff: list, add, change role, PIN or password, disable, lift a lockout. In a chain also
 * each one's store and whether they are head office (chain-wide, signing in at every store).
 */
@customElement('hg-admin-staff')
export class HgAdminStaff extends AdminSection {
  @state() private _staff: StaffMember[] = [];
  @state() private _editing: string | null = null;
  @state() private _adding = false;
  /** The chain's stores; null until known, `chain: false` for a shop on its own. */
  @state() private _stores: StoreList | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
    void storeList(this.ctx.auth).then(
      (stores) => (this._stores = stores),
      () => {},
    );
  }

  private get _chain(): boolean {
    return this._stores?.chain ?? false;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <div class="actions">
        <h2>${t('admin.nav.staff')}</h2>
        <button type="button" class="primary" @click=${() => (this._adding = !this._adding)} aria-expanded=${this._adding}>
          ${t('staff.add')}
        </button>
      </div>
      ${this._adding ? this._addForm() : nothing}
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      <section class="card">
        <table>
          <caption class="visually-hidden">${t('admin.nav.staff')}</caption>
          <thead>
            <tr>
              <th>${t('staff.name')}</th>
              <th>${t('staff.username')}</th>
              <th>${t('staff.role')}</th>
              ${this._chain ? html`<th>${t('chain.store')}</th>` : nothing}
              <th>${t('staff.status')}</th>
              <th>${t('staff.pin')}</th>
              <th>${t('staff.created')}</th>
              <th><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${this._staff.map((member) => this._row(member))}
          </tbody>
        </table>
      </section>
    `;
  }

  private _row(member: StaffMember) {
    const t = this._i18n.t.bind(this._i18n);
    const locked = member.lockedUntil !== null && member.lockedUntil > new Date().toISOString();
    return html`<tr data-username=${member.username}>
        <td>${member.name}</td>
        <td><code>${member.username}</code></td>
        <td>${t(`role.${member.role}`)}</td>
        ${this._chain ? html`<td data-store=${member.store}>${this._storeName(member.store)}${member.chainWide ? html` <span class="badge good">${t('chain.headOfficeStaff')}</span>` : nothing}</td>` : nothing}
        <td>
          ${member.active ? html`<span class="badge good">${t('staff.active')}</span>` : html`<span class="badge bad">${t('staff.disabled')}</span>`}
          ${locked ? html`<span class="badge bad">${t('staff.locked')}</span>` : nothing}
        </td>
        <td>${member.hasPin ? t('common.yes') : t('common.no')}</td>
        <td>${dateTime(member.createdAt)}</td>
        <td><div class="actions">
          <button type="button" @click=${() => (this._editing = this._editing === member.id ? null : member.id)}
            aria-expanded=${this._editing === member.id}>
            ${t('common.edit')}<span class="visually-hidden"> ${member.name}</span>
          </button>
          ${locked ? html`<button type="button" @click=${() => this._unlock(member)}>${t('staff.unlock')}</button>` : nothing}
        </div></td>
      </tr>
      ${this._editing === member.id ? html`<tr><td colspan=${this._chain ? 8 : 7}>${this._editForm(member)}</td></tr>` : nothing}`;
  }

  private _storeName(code: string): string {
    const store = this._stores?.items.find((s) => s.code === code);
    return store ? this._i18n.t('chain.storeOf', { name: store.name, code: store.code }) : code;
  }

  /** In a chain: head office's staff sign in at every store (owners always). */
  private _chainWideBox(checked: boolean) {
    if (!this._chain) return nothing;
    return html`<label class="inline"><input type="checkbox" name="chainWide" ?checked=${checked} /> ${this._i18n.t('chain.chainWide')}</label>`;
  }

  private _addForm() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('staff.add')}</h3>
      <form class="grid" @submit=${this._add}>
        <label>${t('staff.name')}<input name="name" required maxlength="40" /></label>
        <label>${t('staff.username')}<input name="username" required pattern="[a-z0-9_.\\-]{2,40}" autocomplete="off" /></label>
        <label>${t('staff.role')}${this._roleSelect('cashier')}</label>
        <label>${t('staff.password')}<input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
        <label>${t('staff.pinOptional')}<input name="pin" inputmode="numeric" pattern="\\d{4,6}" autocomplete="off" /></label>
        ${this._chainWideBox(false)}
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
      <p class="muted">${t('staff.usernameHint')}</p>
    </section>`;
  }

  private _roleSelect(selected: StaffRole) {
    return html`<select name="role">
      ${ROLES.map((role) => html`<option value=${role} ?selected=${role === selected}>${this._i18n.t(`role.${role}`)}</option>`)}
    </select>`;
  }

  private _editForm(member: StaffMember) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="grid" @submit=${(event: Event) => this._save(event, member)} aria-label=${t('staff.editOf', { name: member.name })}>
      <label>${t('staff.name')}<input name="name" .value=${member.name} maxlength="40" /></label>
      <label>${t('staff.role')}${this._roleSelect(member.role)}</label>
      <label>${t('staff.newPassword')}<input name="password" type="password" minlength="8" autocomplete="new-password" /></label>
      <label>${t('staff.newPin')}<input name="pin" inputmode="numeric" pattern="\\d{4,6}" autocomplete="off" /></label>
      <label class="inline"><input type="checkbox" name="removePin" ?disabled=${!member.hasPin} /> ${t('staff.removePin')}</label>
      ${member.role === 'owner' ? nothing : this._chainWideBox(member.chainWide)}
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button>
        ${
          member.active
            ? html`<button type="button" class="danger" @click=${() => this._setActive(member, false)}>${t('staff.disable')}</button>`
            : html`<button type="button" @click=${() => this._setActive(member, true)}>${t('staff.enable')}</button>`
        }
      </div>
    </form>`;
  }

  private async _load(): Promise<void> {
    const staff = await this._run(() => listStaff(this.ctx.auth));
    if (staff) this._staff = staff;
  }

  private async _add(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const added = await this._run(
      () =>
        addStaff(this.ctx.auth, {
          name: v.name ?? '',
          username: v.username ?? '',
          role: (v.role ?? 'cashier') as StaffRole,
          password: v.password ?? '',
          ...(v.pin ? { pin: v.pin } : {}),
          ...(this._chain && v.chainWide ? { chainWide: true } : {}),
        }),
      { key: 'staff.added' },
    );
    if (added) {
      form.reset();
      this._adding = false;
      await this._reload();
    }
  }

  private async _save(event: Event, member: StaffMember): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const changes: StaffChanges = {};
    if (v.name && v.name !== member.name) changes.name = v.name;
    if (v.role && v.role !== member.role) changes.role = v.role as StaffRole;
    if (v.password) changes.password = v.password;
    if (v.pin) changes.pin = v.pin;
    else if (v.removePin) changes.pin = null;
    const chainWide = v.chainWide === 'on';
    if (this._chain && member.role !== 'owner' && chainWide !== member.chainWide)
      changes.chainWide = chainWide;
    if (Object.keys(changes).length === 0) return;
    if (await this._run(() => changeStaff(this.ctx.auth, member.id, changes), { key: 'common.saved' })) {
      this._editing = null;
      await this._reload();
    }
  }

  private async _setActive(member: StaffMember, active: boolean): Promise<void> {
    if (await this._run(() => changeStaff(this.ctx.auth, member.id, { active }), { key: 'common.saved' }))
      await this._reload();
  }

  private async _unlock(member: StaffMember): Promise<void> {
    if (await this._run(() => unlockStaff(this.ctx.auth, member.id), { key: 'staff.unlocked' }))
      await this._reload();
  }

  /** Reloads the list, keeping the line saying what was done. */
  private async _reload(): Promise<void> {
    const done = this._done;
    await this._load();
    this._done = done;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-staff': HgAdminStaff;
  }
}
