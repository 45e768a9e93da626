import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-photo.js';
import '../../components/hg-scan-input.js';
import type { ScanEvent } from '../../components/hg-scan-input.js';
import { controls } from '../../components/styles.js';
import type { ConnectionState, HangerConnection } from '../../connection/connection.js';
import { SubscriptionController } from '../../connection/controllers.js';
import { InputError, RequestError } from '../../connection/errors.js';
import type { SignIn } from '../../data/auth.js';
import { type CartView, type CheckoutResult, cart, pricedLine, type QuoteLine } from '../../data/cart.js';
import { coverPhoto } from '../../data/catalog.js';
import { type ChainLinkStatus, fetchChainLink } from '../../data/chain-link.js';
import { reprint, salesOfToday, thisTerminal } from '../../data/counter.js';
import type { PrintJobState } from '../../data/devices.js';
import { money, yuanText } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { zheInput } from '../../data/zhe.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { ApprovalRetryController } from './approval-retry.js';
import './hg-checkout-approval.js';
import type { Approval } from './hg-checkout-approval.js';
import './hg-checkout-cash.js';
import type { CashTask } from './hg-checkout-cash.js';
import './hg-checkout-find.js';
import type { HgCheckoutFind } from './hg-checkout-find.js';
import './hg-checkout-held.js';
import './hg-checkout-member.js';
import type { HgCheckoutMember } from './hg-checkout-member.js';
import './hg-checkout-paid.js';
import './hg-checkout-pay.js';
import './hg-checkout-price.js';
import './hg-checkout-receiptless.js';
import { type PriceDraft, priceChange } from './hg-checkout-price.js';
import type { HgCheckoutReceiptless } from './hg-checkout-receiptless.js';
import './hg-checkout-return.js';
import type { HgCheckoutReturn } from './hg-checkout-return.js';
import './hg-checkout-shift.js';
import './hg-checkout-topup.js';
import { type Action, KEYS, type SaleDialog, SaleKeysController } from './sale-keys.js';
import { scanKind } from './scan-shape.js';
import { dialogStyles, saleKeyStyles, saleStyles } from './styles.js';

/**
 * The sale: the scan field keeps focus, every scan (wedge or bridge) adds to the cart, the cart
 * is the server's (`cart/*` commands, `cart.changed` events), and every action sits on a button
 * with its key.
 */
@customElement('hg-checkout-sale')
export class HgCheckoutSale extends LitElement {
  static override styles = [controls, dialogStyles, saleStyles, saleKeyStyles];

  /** The staff member's WebSocket connection. */
  @property({ attribute: false }) connection!: HangerConnection;
  /** The staff session, for HTTP calls. */
  @property({ attribute: false }) auth!: ApiAuth;
  /** Who is signed in. */
  @property({ attribute: false }) staff!: SignIn['staff'];
  /** Where the link stands: a banner says so when it drops. */
  @property() link: ConnectionState = 'connecting';

  @state() private _cart: CartView | null = null;
  @state() private _selected: string | null = null;
  @state() private _dialog: SaleDialog = 'none';
  @state() private _error: unknown = null;
  @state() private _notice: string | null = null;
  @state() private _held: CartView[] = [];
  @state() private _paid: CheckoutResult | null = null;
  /** Where the paid sale's receipt is (its print job has the sale's id), as its bridge reports it. */
  @state() private _receipt: PrintJobState | 'reprinting' | 'declined' | null = null;
  @state() private _reprintError: unknown = null;
  @state() private _browserOffline = !navigator.onLine;
  @state() private _manual = '';
  /** The line price being typed, kept while a manager approves it. */
  @state() private _lineEdit: PriceDraft | null = null;
  /** Each style's cover photo path (null: none) for the lines' thumbnails. */
  @state() private _covers: Record<string, string | null> = {};

  @query('hg-checkout-member') private _member!: HgCheckoutMember | null;
  @query('hg-checkout-return') private _return!: HgCheckoutReturn | null;
  @query('hg-checkout-find') private _find!: HgCheckoutFind | null;
  @query('hg-checkout-receiptless') private _receiptless!: HgCheckoutReceiptless | null;
  /** Which cash task the cash dialog does. */
  @state() private _cashTask: CashTask = 'cash_in';
  /** The last sale paid at this till since the screen opened, for 补打. */
  private _lastSale: { id: string; number: string } | null = null;

  private readonly _i18n = new LocalizeController(this);
  private _wasOnline = false;
  /** How many lines the cart had when last drawn: a new one is scrolled into view. */
  private _linesShown = 0;

  private readonly _approval = new ApprovalRetryController(this, {
    current: () => this._dialog,
    open: (dialog) => {
      this._dialog = dialog;
    },
  });
  protected readonly _keys = new SaleKeysController(this, {
    dialog: () => this._dialog,
    lines: () => this._cart?.lines ?? [],
    selected: () => this._selected,
    select: (lineId) => {
      this._selected = lineId;
    },
    setQty: (lineId, qty) => this._setQty(lineId, qty),
    remove: (lineId) => void this._remove(lineId),
    act: (action) => void this._do(action),
    close: () => this._close(),
  });

  /** A chain store's link to head office: selling offline (离线收银) and how many sales wait to go up. */
  @state() private _chainLink: ChainLinkStatus | null = null;
  protected readonly _chainLinks = new SubscriptionController(
    this,
    () => this.connection,
    'chain.link',
    (event) => {
      this._chainLink = event.data;
    },
  );

  protected readonly _changes = new SubscriptionController(
    this,
    () => this.connection,
    'cart.changed',
    (event) => this._show(event.data.cart),
  );
  /** A top-up or points change of the cart's member: price again, so that the balance shown is today's. */
  protected readonly _members = new SubscriptionController(
    this,
    () => this.connection,
    'member.changed',
    (event) => {
      if (event.data.memberId === this._cart?.memberId && this._dialog !== 'paid') void this._load();
    },
  );
  /** The bridge's hardware that is not working, by its id in the bridge's configuration. */
  @state() private _hardware: Record<string, { status: string; reason?: string }> = {};
  protected readonly _devices = new SubscriptionController(
    this,
    () => this.connection,
    'device.status',
    (event) => {
      const { hardwareId, status, reason } = event.data;
      const { [hardwareId]: _was, ...others } = this._hardware;
      this._hardware =
        status === 'online' ? others : { ...others, [hardwareId]: { status, ...(reason && { reason }) } };
    },
  );
  protected readonly _prints = new SubscriptionController(
    this,
    () => this.connection,
    'print.status',
    (event) => {
      if (event.data.jobId !== this._paid?.sale.id) return;
      // Asked once: after "reprint" or "it printed", later reports of this receipt change nothing.
      if (this._receipt === 'reprinting' || this._receipt === 'declined') return;
      this._receipt = event.data.state;
    },
  );
  protected readonly _scans = new SubscriptionController(
    this,
    () => this.connection,
    'scanner.scan',
    (event) => void this._scan(event.data.code, true),
  );

  private readonly _onOnline = (): void => {
    this._browserOffline = !navigator.onLine;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this._onOnline);
    window.addEventListener('offline', this._onOnline);
    void this._load();
    fetchChainLink(this.auth).then(
      (link) => {
        this._chainLink = link;
      },
      // No answer: the connection banner says so; the `chain.link` event brings the state later.
      () => undefined,
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this._onOnline);
    window.removeEventListener('offline', this._onOnline);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('link')) {
      // Back online after a drop: the cart on the server is the truth, whatever happened meanwhile.
      if (this.link === 'online' && this._wasOnline) void this._load();
      if (this.link === 'online') this._wasOnline = true;
    }
  }

  protected override updated(changed: PropertyValues): void {
    const lines = this._cart?.lines.length ?? 0;
    if (lines > this._linesShown) {
      // A new line: in view at once. The lines stack from the bottom (column-reverse), so 0 is
      // the end of the list, and it stays there when the window changes size.
      const table = this.renderRoot.querySelector<HTMLElement>('.table');
      if (table) table.scrollTop = 0;
    } else if (changed.has('_selected')) {
      // The arrows walk the lines: the selected one comes into view, the page stays put.
      this.renderRoot.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    }
    this._linesShown = lines;
  }

  private _chainBanner() {
    const link = this._chainLink;
    if (!link) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    const waiting = String(link.waiting);
    return html`${
      link.mode === 'offline'
        ? html`<div class="banner chain-offline" role="status" data-chain-link="offline">${t('chainLink.offline', { waiting })}</div>`
        : link.waiting > 0
          ? html`<div class="banner chain-sending" role="status" data-chain-link="sending">${t('chainLink.sending', { waiting })}</div>`
          : nothing
    }${
      link.held > 0
        ? html`<div class="banner chain-held" role="alert" data-chain-link="held">${t('chainLink.held', { held: String(link.held) })}</div>`
        : nothing
    }`;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const offline = this._browserOffline || (this._wasOnline && this.link !== 'online');
    return html`
      <hg-scan-input guard-fields @hg-scan=${this._scanned}></hg-scan-input>
      ${
        this._cart?.training
          ? html`<div class="banner training" role="status" data-training><span>${t('checkout.trainingBanner')}</span></div>`
          : nothing
      }
      ${
        offline
          ? html`<div class="banner offline" role="alert" data-offline>${t('checkout.offlineBanner')}</div>`
          : nothing
      }
      ${this._chainBanner()}
      ${Object.entries(this._hardware).map(
        ([hardwareId, { status, reason }]) =>
          html`<div class="banner hardware" role="alert" data-hardware=${hardwareId}>
            ${t('checkout.hardwareProblem', {
              device: hardwareId,
              status: t(`checkout.hardwareStatus.${status}` as MessageKey),
              reason: reason ?? '',
            })}
          </div>`,
      )}
      <div class="sale">
        <section class="lines" aria-label=${t('checkout.cart')}>
          <form class="manual" @submit=${this._manualAdd}>
            <input
              name="barcode"
              aria-label=${t('checkout.manualBarcode')}
              placeholder=${t('checkout.manualBarcode')}
              autocomplete="off"
              .value=${this._manual}
              @input=${(e: Event) => (this._manual = (e.target as HTMLInputElement).value)}
            />
            <button type="submit">${t('checkout.add')}</button>
          </form>
          ${this._notice ? html`<div class="notice" role="status">${this._notice}</div>` : nothing}
          <hg-error .error=${this._error}></hg-error>
          <div class="table">
            <div class="fill"></div>
            ${this._table()}
          </div>
        </section>
        <aside class="side">
          <hg-checkout-member
            .cart=${this._cart}
            .auth=${this.auth}
            .connection=${this.connection}
            .shortcut=${KEYS.member}
            @hg-approval-needed=${this._approval.needed}
          ></hg-checkout-member>
          ${this._totals()}
        </aside>
      </div>
      <div class="keys">
        <div class="fkeys">
          ${this._key('member', 'checkout.action.member')} ${this._key('hold', 'checkout.action.hold', this._empty)}
          ${this._key('recall', 'checkout.action.recall')} ${this._key('return', 'checkout.action.return')}
          ${this._key('exchange', 'tillReturn.exchangeKey')}
          ${this._key('shift', 'checkout.action.shift')}
          ${this._key('training', this._cart?.training ? 'checkout.action.trainingOff' : 'checkout.action.trainingOn')}
          ${this._key('clear', 'checkout.action.clear', this._empty)}
          ${this._key('find', 'counter.action.find')} ${this._key('reprint', 'counter.action.reprint')}
          ${this._key('topUp', 'counter.action.topUp')} ${this._key('cash', 'counter.action.cash')}
          ${this._key('drawer', 'counter.action.drawer')}
        </div>
        ${this._key('pay', 'checkout.action.pay', this._empty || Boolean(this._cart?.problem), 'primary')}
      </div>
      ${this._dialogs()}
    `;
  }

  private get _empty(): boolean {
    return !this._cart || this._cart.lines.length === 0;
  }

  private _key(action: Action, label: MessageKey, disabled = false, cls = '') {
    return html`<button
      type="button"
      class=${cls}
      data-action=${action}
      aria-keyshortcuts=${KEYS[action]}
      ?disabled=${disabled}
      @click=${() => this._do(action)}
    >
      <span>${this._i18n.t(label)}</span><kbd>${KEYS[action]}</kbd>
    </button>`;
  }

  private _table() {
    const t = this._i18n.t.bind(this._i18n);
    const quote = this._cart?.quote;
    if (!this._cart || this._cart.lines.length === 0) {
      return html`<p class="empty">${t('checkout.emptyCart')}</p>`;
    }
    return html`<table>
      <thead>
        <tr>
          <th>${t('checkout.item')}</th>
          <th>${t('checkout.qty')}</th>
          <th class="num">${t('checkout.unitPrice')}</th>
          <th class="num">${t('checkout.lineTotal')}</th>
          <th><span class="visually-hidden">${t('common.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${this._cart.lines.map((line) => this._row(line.lineId, line.qty, pricedLine(quote, line.lineId)))}
      </tbody>
    </table>`;
  }

  private _row(lineId: string, qty: number, priced: QuoteLine | undefined) {
    const t = this._i18n.t.bind(this._i18n);
    const selected = this._selected === lineId;
    return html`<tr
      class="line"
      data-line=${lineId}
      data-barcode=${priced?.barcode ?? ''}
      data-qty=${qty}
      aria-selected=${String(selected)}
      @click=${() => (this._selected = lineId)}
    >
      <td>
        <div class="item">
          <hg-photo class="thumb" .auth=${this.auth} src=${(priced && this._covers[priced.styleId]) || ''}></hg-photo>
          <div>
            <div class="name">${priced?.name ?? '…'}</div>
            <div class="variant">${priced ? `${priced.styleCode} · ${priced.color} / ${priced.size}` : ''}</div>
            ${(priced?.discounts ?? []).map(
              (discount) =>
                html`<div class="why" data-discount=${discount.source}>${discount.label} −${money(discount.amount)}</div>`,
            )}
          </div>
        </div>
      </td>
      <td>
        <span class="qty">
          <button type="button" aria-label=${t('checkout.less')} @click=${() => this._setQty(lineId, qty - 1)}>−</button>
          <output>${qty}</output>
          <button type="button" aria-label=${t('checkout.more')} @click=${() => this._setQty(lineId, qty + 1)}>+</button>
        </span>
      </td>
      <td class="num">
        ${
          priced && priced.unitPrice !== priced.listPrice
            ? html`<div class="was">${money(priced.listPrice)}</div>`
            : nothing
        }
        ${priced ? money(priced.unitPrice) : ''}
      </td>
      <td class="num"><strong>${priced ? money(priced.total) : ''}</strong></td>
      <td class="nowrap">
        <button type="button" class="link" @click=${() => this._editLine(lineId)}>${t('checkout.changePrice')}</button>
        <button type="button" class="link" aria-label=${t('checkout.remove')} @click=${() => this._remove(lineId)}>✕</button>
      </td>
    </tr>`;
  }

  private _totals() {
    const t = this._i18n.t.bind(this._i18n);
    const quote = this._cart?.quote;
    const problem = this._cart?.problem;
    const items = this._cart?.lines.reduce((sum, line) => sum + line.qty, 0) ?? 0;
    return html`<section class="card totals" aria-label=${t('checkout.totals')}>
      <span>${t('checkout.items')}</span><span class="num" data-items=${items}>${items}</span>
      <span>${t('checkout.subtotal')}</span><span class="num">${money(quote?.subtotal ?? 0)}</span>
      ${(quote?.discounts ?? []).map(
        (discount) =>
          html`<span class="saving">${discount.label}</span><span class="num saving">−${money(discount.amount)}</span>`,
      )}
      ${
        quote && quote.discountTotal > 0
          ? html`<span class="saving"><strong>${t('checkout.savings')}</strong></span>
              <span class="num saving" data-savings=${quote.discountTotal}><strong>−${money(quote.discountTotal)}</strong></span>`
          : nothing
      }
      <span class="total">${t('checkout.total')}</span>
      <span class="num total" data-total=${quote?.total ?? 0}>${money(quote?.total ?? 0)}</span>
      ${problem ? html`<span class="field-error wide" role="alert">${problem.message}</span>` : nothing}
    </section>`;
  }

  private _dialogs() {
    switch (this._dialog) {
      case 'pay':
        return html`<hg-checkout-pay
          .cart=${this._cart}
          .connection=${this.connection}
          .auth=${this.auth}
          @hg-paid=${this._onPaid}
          @hg-repriced=${this._onRepriced}
          @hg-close=${this._close}
        ></hg-checkout-pay>`;
      case 'return':
      case 'exchange':
        return html`<hg-checkout-return
          .auth=${this.auth}
          mode=${this._dialog}
          .finished=${(notice: string) => {
            this._notice = notice;
          }}
          @hg-receiptless=${() => (this._dialog = this._dialog === 'exchange' ? 'receiptlessExchange' : 'receiptless')}
          @hg-close=${this._close}
          @hg-approval-needed=${this._approval.needed}
        ></hg-checkout-return>`;
      case 'receiptless':
      case 'receiptlessExchange':
        return html`<hg-checkout-receiptless
          .auth=${this.auth}
          mode=${this._dialog === 'receiptless' ? 'return' : 'exchange'}
          ?training=${this._cart?.training ?? false}
          .finished=${(notice: string) => {
            this._notice = notice;
          }}
          @hg-close=${this._close}
          @hg-approval-needed=${this._approval.needed}
        ></hg-checkout-receiptless>`;
      case 'find':
        return html`<hg-checkout-find
          .auth=${this.auth}
          .connection=${this.connection}
          @hg-return=${this._returnOf}
          @hg-exchange=${this._exchangeOf}
          @hg-close=${this._close}
          @hg-approval-needed=${this._approval.needed}
        ></hg-checkout-find>`;
      case 'topUp':
        return html`<hg-checkout-topup
          .auth=${this.auth}
          .connection=${this.connection}
          .memberId=${this._cart?.memberId ?? null}
          @hg-close=${this._close}
        ></hg-checkout-topup>`;
      case 'cash':
        return html`<hg-checkout-cash
          .connection=${this.connection}
          .task=${this._cashTask}
          @hg-close=${this._close}
          @hg-approval-needed=${this._approval.needed}
        ></hg-checkout-cash>`;
      case 'shift':
        return html`<hg-checkout-shift .connection=${this.connection} @hg-close=${this._close}></hg-checkout-shift>`;
      case 'approval':
        return html`<hg-checkout-approval
          @hg-approved=${this._approval.approved}
          @hg-close=${this._approval.cancelled}
        ></hg-checkout-approval>`;
      case 'held':
        return html`<hg-checkout-held .held=${this._held} @hg-recall=${this._recall} @hg-close=${this._close}></hg-checkout-held>`;
      case 'line':
        return html`<hg-checkout-price
          .draft=${this._lineEdit}
          .error=${this._error}
          @hg-save=${this._savePrice}
          @hg-close=${this._close}
        ></hg-checkout-price>`;
      case 'paid':
        return html`<hg-checkout-paid
          .paid=${this._paid}
          .receipt=${this._receipt}
          .reprintError=${this._reprintError}
          @hg-reprint=${this._reprint}
          @hg-reprint-declined=${() => {
            this._receipt = 'declined';
          }}
          @hg-close=${this._close}
        ></hg-checkout-paid>`;
      default:
        return nothing;
    }
  }

  // ——— data ———

  private async _load(): Promise<void> {
    try {
      this._show(await cart.get(this.connection));
    } catch (error) {
      this._error = error;
    }
  }

  private _show(view: CartView): void {
    if (this._cart && view.id !== this._cart.id) {
      this._selected = null;
      // A new customer: covers are asked again (from a cache that renews every few minutes).
      this._covers = {};
    }
    if (this._cart && view.updatedAt < this._cart.updatedAt && view.id === this._cart.id) return;
    this._cart = view;
    if (this._selected && !view.lines.some((line) => line.lineId === this._selected)) this._selected = null;
    this._loadCovers(view);
  }

  /** The cover photos of the cart's styles, for the thumbnails: a nicety, so a failure shows none. */
  private _loadCovers(view: CartView): void {
    for (const line of view.quote?.lines ?? []) {
      const styleId = line.styleId;
      if (styleId in this._covers) continue;
      this._covers = { ...this._covers, [styleId]: null };
      coverPhoto(this.auth, styleId).then(
        (url) => {
          if (url) this._covers = { ...this._covers, [styleId]: url };
        },
        () => {},
      );
    }
  }

  /**
   * Runs a cart command; its answer is the cart. A forbidden answer asks a manager in place
   * (`back`: the dialog to return to if the manager does not approve; `done`: once they do).
   */
  private async _run(
    command: (approval?: Approval) => Promise<CartView>,
    back: SaleDialog = 'none',
    done: SaleDialog = back,
  ): Promise<boolean> {
    this._error = null;
    try {
      return await this._approval.run(command, (view) => this._show(view), back, done);
    } catch (error) {
      this._error = error;
      return false;
    }
  }

  private _scanned(event: ScanEvent): void {
    void this._scan(event.detail.code, false);
  }

  /** A code from the wedge field (`fromBridge` false) or the bridge's scanner. */
  private async _scan(code: string, fromBridge: boolean): Promise<void> {
    if (this._dialog === 'return' || this._dialog === 'exchange') {
      await this._return?.scan(code);
      return;
    }
    if (this._dialog === 'find') {
      await this._find?.find(code);
      return;
    }
    if (this._dialog === 'receiptless' || this._dialog === 'receiptlessExchange') {
      await this._receiptless?.scan(code);
      return;
    }
    const kind = scanKind(code, fromBridge);
    if (kind === 'member_card') {
      await this._member?.findByCode(code);
      return;
    }
    if (kind === 'phone' && (this._dialog === 'none' || this._dialog === 'paid')) {
      if (this._dialog === 'paid') this._close();
      await this._member?.findByPhone(code);
      return;
    }
    if (this._dialog !== 'none' && this._dialog !== 'paid') return;
    if (this._dialog === 'paid') this._close();
    await this._add(code);
  }

  private async _add(code: string): Promise<void> {
    this._notice = null;
    this._error = null;
    try {
      const view = await cart.add(this.connection, code);
      this._show(view);
      const added = view.lines.at(-1);
      if (added)
        this._selected = view.lines.find((line) => line.lineId === this._selected)?.lineId ?? added.lineId;
    } catch (error) {
      if (error instanceof RequestError && error.code === 'not_found') {
        this._notice = this._i18n.t('checkout.unknownBarcode', { code });
      } else {
        this._error = error;
      }
    }
  }

  private _manualAdd(event: Event): void {
    event.preventDefault();
    const code = this._manual.trim();
    this._manual = '';
    if (code) void this._scan(code, false);
  }

  private _setQty(lineId: string, qty: number): void {
    this._selected = lineId;
    if (qty <= 0) void this._remove(lineId);
    else void this._run(() => cart.setQty(this.connection, lineId, qty));
  }

  private async _remove(lineId: string): Promise<void> {
    await this._run(() => cart.remove(this.connection, lineId));
  }

  private _editLine(lineId: string): void {
    const line = this._cart?.lines.find((l) => l.lineId === lineId);
    this._selected = lineId;
    this._error = null;
    this._lineEdit = {
      lineId,
      price: line?.priceOverride !== undefined ? yuanText(line.priceOverride) : '',
      zhe: line?.discount?.kind === 'percent' ? zheInput(line.discount.offBp) : '',
    };
    this._dialog = 'line';
  }

  private async _savePrice(): Promise<void> {
    const edit = this._lineEdit;
    if (!edit) return;
    const change = priceChange(edit);
    if ('problem' in change) {
      this._error = new InputError(change.problem);
      return;
    }
    // Approved by a manager, the price is done: the sale comes back, not the dialog.
    const ok = await this._run(
      (approval) =>
        cart.price(
          this.connection,
          edit.lineId,
          change.priceOverride,
          change.discount,
          approval ? { approval } : {},
        ),
      'line',
      'none',
    );
    if (ok) this._close();
  }

  private async _recall(event: CustomEvent<string>): Promise<void> {
    const ok = await this._run(() => cart.recall(this.connection, event.detail));
    if (ok) this._close();
  }

  /** The cashier says the receipt the printer did not confirm is missing: one more copy. */
  private async _reprint(): Promise<void> {
    const jobId = this._paid?.sale.id;
    if (!jobId || !this.connection || this._receipt !== 'unknown') return;
    this._receipt = 'reprinting';
    try {
      await this.connection.request('print/reprint', { jobId });
    } catch (error) {
      this._reprintError = error;
    }
  }

  private _onPaid(event: CustomEvent<CheckoutResult>): void {
    this._receipt = null;
    this._reprintError = null;
    this._paid = event.detail;
    this._lastSale = { id: event.detail.sale.id, number: event.detail.sale.number };
    this._show(event.detail.cart);
    this._dialog = 'paid';
  }

  /** The pay dialog learnt the cart's new price: the sale shows the same total. */
  private _onRepriced(event: CustomEvent<CartView>): void {
    this._show(event.detail);
  }

  private _close(): void {
    this._dialog = 'none';
    this._lineEdit = null;
    this._error = null;
    this._paid = null;
  }

  private async _do(action: Action): Promise<void> {
    this._notice = null;
    switch (action) {
      case 'member':
        this._member?.focusSearch();
        return;
      case 'hold':
        if (!this._empty) await this._run(() => cart.hold(this.connection));
        return;
      case 'recall':
        try {
          this._held = await cart.held(this.connection);
          this._dialog = 'held';
        } catch (error) {
          this._error = error;
        }
        return;
      case 'return':
      case 'exchange':
        this._dialog = action;
        return;
      case 'shift':
        this._dialog = 'shift';
        return;
      case 'training':
        await this._run(() => cart.training(this.connection, !this._cart?.training));
        return;
      case 'clear':
        if (!this._empty) await this._run(() => cart.clear(this.connection));
        return;
      case 'pay':
        if (!this._empty && !this._cart?.problem) this._dialog = 'pay';
        return;
      case 'find':
      case 'topUp':
        this._dialog = action;
        return;
      case 'cash':
      case 'drawer':
        this._cashTask = action === 'drawer' ? 'drawer' : 'cash_in';
        this._dialog = 'cash';
        return;
      case 'reprint':
        await this._reprintLast();
        return;
    }
  }

  /** 补打 the last receipt of this till: the sale paid here last, or today's newest of this till. */
  private async _reprintLast(): Promise<void> {
    this._error = null;
    try {
      let last = this._lastSale;
      if (!last) {
        const terminalId = await thisTerminal(this.connection);
        last =
          (await salesOfToday(this.auth)).find((sale) => sale.terminalId === terminalId && !sale.training) ??
          null;
      }
      if (!last) {
        this._notice = this._i18n.t('counter.nothingToReprint');
        return;
      }
      await reprint(this.connection, last.id);
      this._notice = this._i18n.t('counter.reprinted', { number: last.number });
    } catch (error) {
      this._error = error;
    }
  }

  /** 退货 of a sale found in 查单: the return dialog opens on it. */
  private readonly _returnOf = (event: CustomEvent<{ number: string }>) => this._openOn('return', event);
  /** 换货 of a sale found in 查单: the exchange dialog opens on it. */
  private readonly _exchangeOf = (event: CustomEvent<{ number: string }>) => this._openOn('exchange', event);

  private async _openOn(
    dialog: 'return' | 'exchange',
    event: CustomEvent<{ number: string }>,
  ): Promise<void> {
    this._dialog = dialog;
    await this.updateComplete;
    await this._return?.find(event.detail.number);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-sale': HgCheckoutSale;
  }
}
