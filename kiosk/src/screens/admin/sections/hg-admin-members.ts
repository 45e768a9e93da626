import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import { count, date, dateTime, money, parseYuan } from '../../../data/format.js';
import {
  adjustPoints,
  eraseMember,
  findFor,
  findMembers,
  getMember,
  type LedgerEntry,
  type Member,
  type MemberChanges,
  memberLedger,
  mergeMembers,
  privacyExport,
  registerMember,
  type TopUpMethod,
  topUp,
  updateMember,
} from '../../../data/members.js';
import { hasMessage, type MessageKey } from '../../../i18n/index.js';
import { AdminSection, download, formValues, sectionStyles } from '../context.js';
import './hg-member-list.js';

const METHODS: TopUpMethod[] = ['cash', 'wechat', 'alipay', 'card'];
type Panel = 'points' | 'stored_value' | 'edit' | 'adjust' | 'topup' | 'merge' | 'privacy';

/** Members: search, register, profile, ledgers, points adjustment, top-up, merge, export, erase. */
@customElement('hg-admin-members')
export class HgAdminMembers extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .figures {
        display: flex;
        gap: 2em;
        flex-wrap: wrap;
        margin: 0.5em 0 1em;
      }
      .figures div {
        display: flex;
        flex-direction: column;
      }
      .figures strong {
        font-size: 1.4em;
        font-variant-numeric: tabular-nums;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.3em 1em;
        margin: 0;
      }
      dt {
        color: var(--hg-muted);
      }
      dd {
        margin: 0;
      }
    `,
  ];

  @state() private _member: Member | null = null;
  @state() private _panel: Panel = 'points';
  @state() private _ledger: LedgerEntry[] = [];
  @state() private _registering = false;
  @state() private _mergeCandidate: Member | null = null;
  @state() private _confirmErase = false;

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <div class="actions">
        <h2>${t('admin.nav.members')}</h2>
        <button type="button" class="primary" aria-expanded=${this._registering} @click=${() => (this._registering = !this._registering)}>
          ${t('members.register')}
        </button>
      </div>
      ${this._registering ? this._registerForm() : nothing}
      <hg-member-list .ctx=${this.ctx} @member-open=${(e: CustomEvent<{ id: string }>) => this._open(e.detail.id)}></hg-member-list>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${this._member ? this._profile(this._member) : nothing}
    `;
  }

  private _registerForm() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('members.register')}</h3>
      <form class="grid" @submit=${this._register} aria-label=${t('members.register')}>
        <label>${t('member.phone')}<input name="phone" required inputmode="tel" maxlength="20" /></label>
        <label>${t('members.name')}<input name="name" required maxlength="40" /></label>
        <label>${t('members.email')}<input name="email" type="email" maxlength="254" /></label>
        <label>${t('members.birthday')}<input name="birthday" placeholder="YYYY-MM-DD" /></label>
        <label>${t('members.gender')}
          <select name="gender">
            <option value="">—</option>
            <option value="female">${t('members.female')}</option>
            <option value="male">${t('members.male')}</option>
            <option value="other">${t('members.other')}</option>
          </select>
        </label>
        <label>${t('members.pin')}<input name="pin" inputmode="numeric" pattern="\\d{4,6}" autocomplete="off" /></label>
        <label class="inline"><input type="checkbox" name="consent" /> ${t('members.consent')}</label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
    </section>`;
  }

  private _profile(member: Member) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" aria-label=${t('members.profile')}>
      <h3>${member.name} <span class="badge">${member.tier.name}</span>
        ${member.status !== 'active' ? html`<span class="badge bad">${t(`members.status.${member.status}`)}</span>` : nothing}</h3>
      <div class="figures">
        <div><span class="muted">${t('member.points')}</span><strong data-points=${member.points}>${count(member.points)}</strong></div>
        <div><span class="muted">${t('member.balance')}</span><strong>${money(member.storedValue)}</strong>
          <span class="muted">${t('members.principalBonus', { principal: money(member.storedPrincipal), bonus: money(member.storedBonus) })}</span></div>
      </div>
      <dl>
        <dt>${t('member.phone')}</dt><dd>${member.phone ?? '—'}</dd>
        <dt>${t('members.email')}</dt><dd>${member.email ?? '—'}</dd>
        <dt>${t('members.number')}</dt><dd>${member.number}</dd>
        <dt>${t('member.code')}</dt><dd><code>${member.code}</code></dd>
        <dt>${t('members.birthday')}</dt><dd>${member.birthday ?? '—'}</dd>
        <dt>${t('members.pin')}</dt><dd>${member.hasPin ? t('common.yes') : t('common.no')}</dd>
        <dt>${t('members.since')}</dt><dd>${date(member.createdAt)}</dd>
      </dl>
      <div class="tabs spaced" role="group" aria-label=${t('members.profile')}>
        ${(['points', 'stored_value', 'edit', 'adjust', 'topup', 'merge', 'privacy'] as const).map(
          (panel) =>
            html`<button type="button" aria-pressed=${this._panel === panel} @click=${() => this._show(panel)}>${t(`members.panel.${panel}`)}</button>`,
        )}
      </div>
      <div class="spaced">${this._panelView(member)}</div>
    </section>`;
  }

  private _panelView(member: Member) {
    const t = this._i18n.t.bind(this._i18n);
    switch (this._panel) {
      case 'edit':
        return html`<form class="grid" @submit=${(e: Event) => this._edit(e, member)} aria-label=${t('members.panel.edit')}>
          <label>${t('member.phone')}<input name="phone" required inputmode="tel" maxlength="20" .value=${member.phone ?? ''} /></label>
          <label>${t('members.name')}<input name="name" required maxlength="40" .value=${member.name} /></label>
          <label>${t('members.email')}<input name="email" type="email" maxlength="254" .value=${member.email ?? ''} /></label>
          <label>${t('members.birthday')}<input name="birthday" placeholder="YYYY-MM-DD" .value=${member.birthday ?? ''} /></label>
          <label>${t('members.gender')}
            <select name="gender" .value=${member.gender ?? ''}>
              <option value="">—</option>
              <option value="female" ?selected=${member.gender === 'female'}>${t('members.female')}</option>
              <option value="male" ?selected=${member.gender === 'male'}>${t('members.male')}</option>
              <option value="other" ?selected=${member.gender === 'other'}>${t('members.other')}</option>
            </select>
          </label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
        </form>`;
      case 'adjust':
        return html`<form class="grid" @submit=${(e: Event) => this._adjust(e, member)} aria-label=${t('members.panel.adjust')}>
          <label>${t('members.delta')}<input name="delta" type="number" required step="1" /></label>
          <label>${t('members.reason')}<input name="reason" required maxlength="200" /></label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('members.applyAdjust')}</button></div>
        </form>`;
      case 'topup':
        return html`<form class="grid" @submit=${(e: Event) => this._topUp(e, member)} aria-label=${t('members.panel.topup')}>
          <label>${t('members.amountYuan')}<input name="amount" required inputmode="decimal" /></label>
          <label>${t('members.method')}
            <select name="method">${METHODS.map((method) => html`<option value=${method}>${t(`members.methods.${method}`)}</option>`)}</select>
          </label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('members.doTopUp')}</button></div>
        </form>`;
      case 'merge':
        return html`<p class="muted">${t('members.mergeHint', { name: member.name })}</p>
          <form class="row" @submit=${this._findMergeSource}>
            <label>${t('members.search')}<input name="q" required placeholder=${t('members.searchHint')} /></label>
            <button type="submit">${t('common.search')}</button>
          </form>
          ${
            this._mergeCandidate
              ? html`<p>${t('members.mergeConfirm', { source: `${this._mergeCandidate.name} (${this._mergeCandidate.phone ?? this._mergeCandidate.number})`, target: member.name })}</p>
                  <button type="button" class="danger" @click=${() => this._merge(member)}>${t('members.merge')}</button>`
              : nothing
          }`;
      case 'privacy':
        return html`<div class="actions">
            <button type="button" @click=${() => this._privacyExport(member)}>${t('members.privacyExport')}</button>
          </div>
          <form class="row spaced" @submit=${(e: Event) => this._erase(e, member)}>
            <label>${t('members.eraseReason')}<input name="reason" required maxlength="200" /></label>
            <label class="inline"><input type="checkbox" name="sure" required @change=${(e: Event) => (this._confirmErase = (e.target as HTMLInputElement).checked)} /> ${t('members.eraseSure')}</label>
            <button type="submit" class="danger" ?disabled=${!this._confirmErase || this._busy}>${t('members.erase')}</button>
          </form>`;
      default:
        return this._ledgerView();
    }
  }

  private _ledgerView() {
    const ledgerReason = (reason: string) =>
      this._i18n.t(
        (hasMessage(`words.ledger.${reason}`)
          ? `words.ledger.${reason}`
          : 'words.ledger.other') as MessageKey,
      );
    const t = this._i18n.t.bind(this._i18n);
    if (this._ledger.length === 0) return html`<p class="empty">${t('members.noLedger')}</p>`;
    const isMoney = this._panel === 'stored_value';
    return html`<table>
      <thead><tr><th>${t('members.when')}</th><th>${t('members.reason')}</th><th class="num">${t('members.change')}</th><th class="num">${t('members.balanceAfter')}</th></tr></thead>
      <tbody>
        ${this._ledger.map(
          (entry) => html`<tr>
            <td>${dateTime(entry.at)}</td><td>${ledgerReason(entry.reason)}</td>
            <td class="num">${isMoney ? money(entry.delta) : entry.delta > 0 ? `+${entry.delta}` : entry.delta}</td>
            <td class="num">${isMoney ? money(entry.balance) : count(entry.balance)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private async _open(id: string): Promise<void> {
    const member = await this._run(() => getMember(this.ctx.auth, id));
    if (!member) return;
    this._member = member;
    this._mergeCandidate = null;
    this._confirmErase = false;
    await this._show(this._panel === 'stored_value' ? 'stored_value' : 'points');
  }

  private async _show(panel: Panel): Promise<void> {
    this._panel = panel;
    const member = this._member;
    if (!member || (panel !== 'points' && panel !== 'stored_value')) return;
    const ledger = await this._run(() => memberLedger(this.ctx.auth, member.id, panel));
    if (ledger) this._ledger = ledger;
  }

  /** Reloads the member (and the ledger shown), keeping the line that says what was done. */
  private async _refresh(member: Member): Promise<void> {
    const done = this._done;
    await this._open(member.id);
    this._done = done;
  }

  private async _register(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const member = await this._run(
      () =>
        registerMember(this.ctx.auth, {
          phone: v.phone ?? '',
          name: v.name ?? '',
          ...(v.email ? { email: v.email } : {}),
          ...(v.birthday ? { birthday: v.birthday } : {}),
          ...(v.gender ? { gender: v.gender as 'female' | 'male' | 'other' } : {}),
          ...(v.pin ? { pin: v.pin } : {}),
          consentMarketing: Boolean(v.consent),
        }),
      { key: 'members.registered' },
    );
    if (member) {
      form.reset();
      this._registering = false;
      this._list()?.reload();
      await this._refresh(member);
    }
  }

  /** Sends only what the form changed; a cleared e-mail, birthday or gender is removed. */
  private async _edit(event: Event, member: Member): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const changes: MemberChanges = {};
    if ((v.phone ?? '') !== (member.phone ?? '')) changes.phone = v.phone ?? '';
    if ((v.name ?? '') !== member.name) changes.name = v.name ?? '';
    if ((v.email ?? '') !== (member.email ?? '')) changes.email = v.email || null;
    if ((v.birthday ?? '') !== (member.birthday ?? '')) changes.birthday = v.birthday || null;
    if ((v.gender ?? '') !== (member.gender ?? ''))
      changes.gender = (v.gender || null) as MemberChanges['gender'];
    if (Object.keys(changes).length === 0) {
      this._done = { key: 'members.unchanged' };
      return;
    }
    const saved = await this._run(() => updateMember(this.ctx.auth, member.id, changes), {
      key: 'members.updated',
    });
    if (saved) this._member = saved;
  }

  private async _adjust(event: Event, member: Member): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const done = await this._run(
      () => adjustPoints(this.ctx.auth, member.id, Math.trunc(Number(v.delta)), v.reason ?? ''),
      { key: 'members.adjusted' },
    );
    if (done) {
      form.reset();
      this._panel = 'points';
      await this._refresh(member);
    }
  }

  private async _topUp(event: Event, member: Member): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const amount = parseYuan(v.amount ?? '');
    if (!amount) {
      this._error = new InputError('catalog.badAmount');
      return;
    }
    const done = await this._run(() =>
      topUp(this.ctx.auth, member.id, amount, (v.method ?? 'cash') as TopUpMethod),
    );
    if (done) {
      form.reset();
      this._done = {
        key: 'members.toppedUp',
        options: { amount: money(done.amount), bonus: money(done.bonus) },
      };
      this._panel = 'stored_value';
      await this._refresh(member);
    }
  }

  private async _findMergeSource(event: Event): Promise<void> {
    event.preventDefault();
    const q = formValues(event.target as HTMLFormElement).q ?? '';
    const found = await this._run(() => findMembers(this.ctx.auth, findFor(q)));
    const other = found?.find((m) => m.id !== this._member?.id) ?? null;
    this._mergeCandidate = other;
    if (found && !other) this._error = new InputError('members.none', {}, 'not_found');
  }

  private async _merge(member: Member): Promise<void> {
    const source = this._mergeCandidate;
    if (!source) return;
    if (
      (await this._run(() => mergeMembers(this.ctx.auth, member.id, source.id), {
        key: 'members.merged',
      })) !== undefined
    ) {
      this._mergeCandidate = null;
      this._list()?.reload();
      await this._refresh(member);
    }
  }

  private async _privacyExport(member: Member): Promise<void> {
    const text = await this._run(() => privacyExport(this.ctx.auth, member.id), { key: 'members.exported' });
    if (text) download(text, `member-${member.number}.json`, 'application/json');
  }

  private async _erase(event: Event, member: Member): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const erased = await this._run(() => eraseMember(this.ctx.auth, member.id, v.reason ?? ''), {
      key: 'members.erased',
    });
    if (erased) {
      this._member = erased;
      this._list()?.reload();
      this._confirmErase = false;
    }
  }

  private _list() {
    return this.renderRoot.querySelector('hg-member-list');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-members': HgAdminMembers;
  }
}
