import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fieldProblem, phoneTaken } from '../../components/field-problems.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import { SubscriptionController } from '../../connection/controllers.js';
import { type CartView, cart, type MemberCoupon, memberCoupons } from '../../data/cart.js';
import { count, money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { findFor, findMembers, getMember, type Member, registerMember } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/**
 * The member on the sale: found by phone, last four digits (a short masked list to choose
 * from) or a scanned member code; registered on the spot with phone and name. Shows tier,
 * points, balance, coupons and sizes on file; applies coupons and points to the cart.
 */
@customElement('hg-checkout-member')
export class HgCheckoutMember extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .card {
        padding: 0.75em 1em;
        display: flex;
        flex-direction: column;
        gap: 0.5em;
      }
      h3 {
        margin: 0;
        font-size: 1em;
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5em;
      }
      form {
        display: flex;
        gap: 0.4em;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      form.stack {
        flex-direction: column;
      }
      .choices {
        display: flex;
        flex-direction: column;
        gap: 0.3em;
      }
      .choices button {
        justify-content: space-between;
      }
      /* The member folded to one line, so that the cart and the total keep the room. */
      .folded {
        display: flex;
        align-items: baseline;
        gap: 0.5em;
        white-space: nowrap;
        min-width: 0;
      }
      .folded .name {
        flex: none;
        max-width: 8em;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .facts {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        font-variant-numeric: tabular-nums;
      }
      .facts small {
        color: var(--hg-muted);
        font-size: 0.8em;
      }
      h3 .phone {
        flex: 1;
        white-space: nowrap;
        font-weight: 400;
        font-size: 0.85em;
        text-align: end;
      }
      h3 button.link {
        font-weight: 400;
        font-size: 0.9em;
      }
      .more {
        font-size: 0.85em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .name {
        font-size: 1.15em;
        font-weight: 700;
      }
      .coupons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
      }
      /* Small, but never under a fingertip's 44 px. */
      .coupons button {
        min-height: max(44px, 2.2em);
        font-size: 0.85em;
      }
      .coupons button[aria-pressed='true'] {
        background: #e6f4ea;
        border-color: #0f5323;
      }
      .small button {
        min-height: max(44px, 2.4em);
      }
      kbd {
        font: inherit;
        font-size: 0.75em;
        opacity: 0.7;
      }
    `,
  ];

  /** The cart, for its member, coupons and points. */
  @property({ attribute: false }) cart: CartView | null = null;
  /** The staff session. */
  @property({ attribute: false }) auth!: ApiAuth;
  /** The staff member's connection, for the cart commands. */
  @property({ attribute: false }) connection!: HangerConnection;
  /** The key that brings focus here, shown in the heading. */
  @property() shortcut = '';

  @state() private _query = '';
  @state() private _choices: Member[] | null = null;
  @state() private _member: Member | null = null;
  @state() private _coupons: MemberCoupon[] = [];
  @state() private _registering = false;
  @state() private _phone = '';
  @state() private _name = '';
  @state() private _points = '';
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);
  /** A top-up or points change elsewhere (the admin page, another till) shows here at once. */
  protected readonly _changes = new SubscriptionController(
    this,
    () => this.connection,
    'member.changed',
    (event) => {
      const member = this._member;
      if (member && event.data.memberId === member.id)
        this._member = { ...member, points: event.data.points, storedValue: event.data.storedValue };
    },
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('cart')) {
      const id = this.cart?.memberId ?? null;
      if (id !== (this._member?.id ?? null)) void this._loadMember(id);
      else if (id && this.cart?.quote?.member && this._member) {
        // Points and balance as the server priced them just now.
        const priced = this.cart.quote.member;
        if (priced.points !== this._member.points || priced.storedValue !== this._member.storedValue)
          this._member = { ...this._member, points: priced.points, storedValue: priced.storedValue };
      }
    }
  }

  /** Puts the cursor in the search field (F2). */
  focusSearch(): void {
    this._registering = false;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('input[name="memberQuery"]')?.focus(),
    );
  }

  /** A mobile number keyed into the scan field: the member with that phone, attached. */
  async findByPhone(phone: string): Promise<void> {
    this._query = phone;
    await this._find({ phone });
  }

  /** A scanned member card: find the member and attach them. */
  async findByCode(code: string): Promise<void> {
    this._query = '';
    await this._find({ code });
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" aria-label=${t('checkout.member')}>
      <h3>
        <span>${t('checkout.member')} <kbd>${this.shortcut}</kbd></span>
        ${
          this._member
            ? html`<span class="muted phone">${this._member.phone ?? ''}</span>
                <button
                  type="button"
                  class="link"
                  aria-label=${t('checkout.removeMember')}
                  title=${t('checkout.removeMember')}
                  @click=${() => this._attach(null)}
                >✕</button>`
            : nothing
        }
      </h3>
      ${this._member ? this._attached(this._member) : this._registering ? this._register() : this._search()}
      <hg-error .error=${this._error}></hg-error>
    </section>`;
  }

  private _search() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form @submit=${this._submitSearch}>
        <input
          name="memberQuery"
          inputmode="numeric"
          autocomplete="off"
          aria-label=${t('checkout.memberQuery')}
          placeholder=${t('checkout.memberQuery')}
          .value=${this._query}
          @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}
        />
        <button type="submit" ?disabled=${this._busy}>${t('common.search')}</button>
      </form>
      ${
        this._choices
          ? this._choices.length === 0
            ? html`<p class="muted">${t('checkout.noMember')}</p>`
            : html`<div class="choices" role="list">
              ${this._choices.map(
                (
                  member,
                ) => html`<button type="button" role="listitem" data-member=${member.id} @click=${() => this._attach(member.id)}>
                  <span>${member.name}</span><span class="muted">${member.phone ?? ''} · ${member.tier.name}</span>
                </button>`,
              )}
            </div>`
          : nothing
      }
      <button type="button" class="small" @click=${this._startRegister}>${t('checkout.quickRegister')}</button>`;
  }

  private _register() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="stack" @submit=${this._submitRegister}>
      <label>
        ${t('checkout.phone')}
        <input
          name="phone"
          type="tel"
          inputmode="tel"
          autocomplete="off"
          .value=${this._phone}
          aria-invalid=${fieldProblem(this._error, 'phone') ? 'true' : 'false'}
          @input=${(e: Event) => (this._phone = (e.target as HTMLInputElement).value.trim())}
        />
        ${this._phoneProblem()}
      </label>
      <label>
        ${t('checkout.name')}
        <input name="name" autocomplete="off" .value=${this._name} @input=${(e: Event) => (this._name = (e.target as HTMLInputElement).value)} />
      </label>
      <div class="row">
        <button type="button" @click=${() => (this._registering = false)}>${t('common.cancel')}</button>
        <button type="submit" class="primary" ?disabled=${this._busy || !this._phone || !this._name.trim()}>${t('checkout.registerSave')}</button>
      </div>
    </form>`;
  }

  /** What is wrong with the phone, beside it; a phone that is a member already offers that member. */
  private _phoneProblem() {
    const problem = fieldProblem(this._error, 'phone');
    if (!problem) return nothing;
    return html`<span class="field-error" role="alert">${problem}</span>
      ${
        phoneTaken(this._error)
          ? html`<button type="button" class="small" data-attach-taken @click=${this._attachTaken}>${this._i18n.t('words.attachTaken')}</button>`
          : nothing
      }`;
  }

  private async _attachTaken(): Promise<void> {
    this._registering = false;
    await this._find({ phone: this._phone });
  }

  private _attached(member: Member) {
    const t = this._i18n.t.bind(this._i18n);
    const applied = new Set(this.cart?.couponCodes ?? []);
    const sizes = Object.entries(member.sizes ?? {}).filter(([, size]) => size);
    const used = this.cart?.quote?.points;
    // One line: who, their tier, balance and points (the phone sits in the heading).
    return html`
      <div class="folded">
        <span class="name" data-member-name=${member.name}>${member.name}</span>
        <span class="badge" data-tier=${member.tier.code}>${member.tier.name}</span>
        <span class="facts">
          <small>${t('checkout.balance')}</small> <b data-balance=${member.storedValue}>${money(member.storedValue)}</b>
          <small>${t('checkout.points')}</small> <b data-points=${member.points}>${count(member.points)}</b>
        </span>
      </div>
      ${sizes.length ? html`<div class="muted more">${t('checkout.sizes')} ${sizes.map(([kind, size]) => `${kind} ${size}`).join(' · ')}</div>` : nothing}
      ${
        this._coupons.length
          ? html`<div class="coupons" role="group" aria-label=${t('checkout.coupons')}>
            ${this._coupons.map(
              (coupon) => html`<button
                type="button"
                aria-pressed=${String(applied.has(coupon.code))}
                @click=${() => this._toggleCoupon(coupon.code)}
              >
                ${coupon.name}
              </button>`,
            )}
          </div>`
          : nothing
      }
      ${(this.cart?.quote?.coupons.rejected ?? []).map(
        (r) =>
          html`<div class="field-error" data-rejected=${r.code}>${t('tillWords.couponRejected', {
            code: r.code,
            reason: t(
              r.reason === 'min_spend_not_met' || r.reason === 'no_eligible_goods'
                ? `tillWords.couponWhy.${r.reason}`
                : 'tillWords.couponWhy.other',
            ),
          })}</div>`,
      )}
      <form @submit=${this._usePoints} class="small">
        <input
          name="points"
          inputmode="numeric"
          aria-label=${t('checkout.usePoints')}
          placeholder=${t('checkout.usePoints')}
          .value=${this._points}
          @input=${(e: Event) => (this._points = (e.target as HTMLInputElement).value.replace(/\D/g, ''))}
        />
        <button type="submit">${t('checkout.apply')}</button>
      </form>
      ${used && used.used > 0 ? html`<div class="muted">${t('checkout.pointsUsed', { points: used.used, amount: money(used.amount) })}</div>` : nothing}
    `;
  }

  private async _loadMember(id: string | null): Promise<void> {
    if (!id) {
      this._member = null;
      this._coupons = [];
      this._points = '';
      return;
    }
    try {
      const [member, coupons] = await Promise.all([
        getMember(this.auth, id),
        memberCoupons(this.auth, id).catch(() => []),
      ]);
      if (this.cart?.memberId !== id) return;
      this._member = member;
      this._coupons = coupons;
      this._choices = null;
    } catch (error) {
      this._error = error;
    }
  }

  private _submitSearch(event: Event): void {
    event.preventDefault();
    const text = this._query.trim();
    if (text) void this._find(findFor(text));
  }

  private async _find(find: Parameters<typeof findMembers>[1]): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      const found = await findMembers(this.auth, find);
      const only = found[0];
      // A phone or a card names one member: attach at once. Four digits may name several.
      if (found.length === 1 && only && !('last4' in find)) await this._attach(only.id);
      else this._choices = found;
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private async _attach(memberId: string | null): Promise<void> {
    this._error = null;
    try {
      await cart.member(this.connection, memberId);
      this._choices = null;
      this._query = '';
    } catch (error) {
      this._error = error;
    }
  }

  private _startRegister(): void {
    this._registering = true;
    this._phone = /^1\d{10}$/.test(this._query.trim()) ? this._query.trim() : '';
    this._name = '';
    void this.updateComplete.then(() =>
      this.renderRoot
        .querySelector<HTMLInputElement>(this._phone ? 'input[name="name"]' : 'input[name="phone"]')
        ?.focus(),
    );
  }

  private async _submitRegister(event: Event): Promise<void> {
    event.preventDefault();
    this._busy = true;
    this._error = null;
    try {
      const member = await registerMember(this.auth, { phone: this._phone, name: this._name.trim() });
      this._registering = false;
      await this._attach(member.id);
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private async _toggleCoupon(code: string): Promise<void> {
    const current = this.cart?.couponCodes ?? [];
    const next = current.includes(code) ? current.filter((c) => c !== code) : [...current, code];
    try {
      await cart.coupons(this.connection, next);
    } catch (error) {
      this._error = error;
    }
  }

  private async _usePoints(event: Event): Promise<void> {
    event.preventDefault();
    try {
      await cart.points(this.connection, Number(this._points || '0'));
    } catch (error) {
      this._error = error;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-member': HgCheckoutMember;
  }
}
