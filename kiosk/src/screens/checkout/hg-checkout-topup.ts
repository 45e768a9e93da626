import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import { money, parseYuan, yuanText } from '../../data/format.js';
import { type ApiAuth, newRequestId } from '../../data/http.js';
import { loyaltySettings } from '../../data/loyalty.js';
import { findFor, findMembers, getMember, type Member } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles } from './styles.js';

type Rule = { minAmount: number; bonus: number };
type Method = 'cash' | 'wechat' | 'alipay' | 'card';
const METHODS: readonly Method[] = ['cash', 'wechat', 'alipay', 'card'];

/** Whole yuan as the shop writes a rule (充500送50), fen only where there are some. */
const yuan = (fen: number): string => (fen % 100 === 0 ? String(fen / 100) : yuanText(fen));

/** The best single rule the amount reaches, as the server applies it (充500送50). */
export function bonusFor(rules: readonly Rule[], amount: number): Rule | null {
  return rules.filter((rule) => amount >= rule.minAmount).sort((a, b) => b.bonus - a.bonus)[0] ?? null;
}

/**
 * 充值 at the till: the member (the cart's, or found by phone), the amount, and before the
 * customer pays, the bonus that amount earns and the rules there are; then the tender. The
 * top-up id is made once per amount, so a retry after a dropped link is not a second top-up.
 *
 * @fires hg-close - done.
 */
@customElement('hg-checkout-topup')
export class HgCheckoutTopup extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      .rules {
        display: flex;
        gap: 0.5em;
        flex-wrap: wrap;
      }
      .rules .badge[data-applies] {
        outline: 2px solid var(--hg-accent, #0b57d0);
        font-weight: 700;
      }
      .methods {
        display: flex;
        gap: 0.5em;
      }
      .bonus {
        font-size: 1.4em;
        font-weight: 700;
      }
    `,
  ];

  @property({ attribute: false }) auth!: ApiAuth;
  @property({ attribute: false }) connection!: HangerConnection;
  /** The cart's member, if one is attached. */
  @property({ attribute: false }) memberId: string | null = null;

  @state() private _member: Member | null = null;
  @state() private _phone = '';
  @state() private _rules: Rule[] = [];
  @state() private _amount = '';
  @state() private _method: Method = 'cash';
  @state() private _done: { amount: number; bonus: number; storedValue: number } | null = null;
  @state() private _notFound = false;
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);
  private _topUpId = newRequestId();
  private _idFor = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const amount = parseYuan(this._amount);
    const rule = amount !== null ? bonusFor(this._rules, amount) : null;
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('counter.topUpTitle')}>
        <h2>${t('counter.topUpTitle')}</h2>
        ${this._member ? this._who(this._member) : this._find()}
        ${
          this._rules.length
            ? html`<div class="rules" aria-label=${t('counter.topUpRules')}>
              ${this._rules.map(
                (r) =>
                  html`<span class="badge" ?data-applies=${r === rule}>${t('counter.topUpRule', { amount: yuan(r.minAmount), bonus: yuan(r.bonus) })}</span>`,
              )}
            </div>`
            : nothing
        }
        ${this._member && !this._done ? this._form(amount, rule) : nothing}
        ${
          this._done
            ? html`<p role="status" data-topped-up=${this._done.amount}>
              ${t('counter.topUpDone', { amount: money(this._done.amount), bonus: money(this._done.bonus), balance: money(this._done.storedValue) })}
            </p>`
            : nothing
        }
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${this._done ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          ${
            this._member && !this._done
              ? html`<button type="button" class="primary" data-do="topup" ?disabled=${this._busy || amount === null || amount <= 0} @click=${this._submit}>
                ${t('counter.topUpConfirm')}
              </button>`
              : nothing
          }
        </div>
      </section>
    </div>`;
  }

  private _who(member: Member) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<p data-member=${member.id}>
      ${member.name} · ${member.phone ?? ''} · ${t('counter.storedBalance', { balance: money(member.storedValue) })}
    </p>`;
  }

  private _find() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="row" @submit=${this._submitFind}>
      <input
        name="topUpPhone"
        inputmode="numeric"
        autocomplete="off"
        aria-label=${t('counter.memberPhone')}
        placeholder=${t('counter.memberPhone')}
        .value=${this._phone}
        @input=${(e: Event) => (this._phone = (e.target as HTMLInputElement).value)}
      />
      <button type="submit">${t('common.search')}</button>
      ${this._notFound ? html`<span role="status">${t('counter.memberNotFound')}</span>` : nothing}
    </form>`;
  }

  private _form(amount: number | null, rule: Rule | null) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<form class="stack" @submit=${this._submitForm}>
      <label>
        ${t('counter.topUpAmount')}
        <input
          name="topUpAmount"
          inputmode="decimal"
          autocomplete="off"
          .value=${this._amount}
          @input=${(e: Event) => (this._amount = (e.target as HTMLInputElement).value)}
        />
      </label>
      <p class="bonus" data-bonus=${rule?.bonus ?? 0}>
        ${
          amount !== null && amount > 0
            ? rule
              ? t('counter.topUpBonus', { bonus: money(rule.bonus), total: money(amount + rule.bonus) })
              : t('counter.topUpNoBonus')
            : nothing
        }
      </p>
      <div class="methods" role="radiogroup" aria-label=${t('counter.topUpMethod')}>
        ${METHODS.map(
          (method) =>
            html`<button type="button" role="radio" aria-checked=${String(this._method === method)} class=${this._method === method ? 'primary' : ''} @click=${() => (this._method = method)}>
              ${t(`checkout.tender.${method}`)}
            </button>`,
        )}
      </div>
    </form>`;
  }

  private async _load(): Promise<void> {
    try {
      const [settings, member] = await Promise.all([
        loyaltySettings(this.auth),
        this.memberId ? getMember(this.auth, this.memberId) : Promise.resolve(null),
      ]);
      this._rules = [...settings.settings.topUpBonus].sort((a, b) => a.minAmount - b.minAmount);
      this._member = member;
    } catch (error) {
      this._error = error;
    }
    await this.updateComplete;
    this.renderRoot
      .querySelector<HTMLInputElement>(
        this._member ? 'input[name="topUpAmount"]' : 'input[name="topUpPhone"]',
      )
      ?.focus();
  }

  private async _submitFind(event: Event): Promise<void> {
    event.preventDefault();
    const text = this._phone.trim();
    if (!text) return;
    this._error = null;
    try {
      const found = await findMembers(this.auth, findFor(text));
      this._notFound = found.length !== 1;
      this._member = found.length === 1 ? (found[0] ?? null) : null;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[name="topUpAmount"]')?.focus();
    } catch (error) {
      this._error = error;
    }
  }

  private _submitForm(event: Event): void {
    event.preventDefault();
    void this._submit();
  }

  private async _submit(): Promise<void> {
    const member = this._member;
    const amount = parseYuan(this._amount);
    if (!member || amount === null || amount <= 0 || this._busy) return;
    // Another amount or tender is another top-up; the same one again is the same top-up.
    const key = `${member.id}:${amount}:${this._method}`;
    if (key !== this._idFor) {
      this._idFor = key;
      this._topUpId = newRequestId();
    }
    this._busy = true;
    this._error = null;
    try {
      this._done = await this.connection.request('members/top_up', {
        memberId: member.id,
        topUpId: this._topUpId,
        amount,
        method: this._method,
      });
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-topup': HgCheckoutTopup;
  }
}
