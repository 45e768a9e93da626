import type { AuditPage, AuditQuery } from './audit.js';
import type { BridgeSetup, HardwareTestResult } from './bridge-setup.js';
import type { CartView, CheckedOut } from './cart.js';
import type { ScannedSku, StyleHits, StyleSearch } from './catalog.js';
import type { DeviceView } from './devices.js';
import type { EventType, HardwareStatus } from './events.js';
import type { CountResult, SkuStock } from './inventory.js';
import type { MemberView, TopUpMethod, TopUpResult } from './members.js';
import type { MobilePaymentView } from './payments.js';
import type { PrintJob, PrintJobState } from './printing.js';
import type { Quote } from './quote.js';
import type {
  Completed,
  LineDiscount,
  PaymentRequest,
  QuoteRequest,
  SaleRequest,
  SaleView,
} from './sales.js';
import type { SessionInfo } from './session.js';
import type { CashEntryKind, ShiftReport } from './shifts.js';

/** A command that takes no parameters. */
type None = Record<string, never>;

/**
 * Every WebSocket command, by type: the parameters a client sends beside `id` and `type`, and the
 * result it gets back. Declared once: the server's command specs and the screens' requests are
 * both checked against it by the compiler (after Home Assistant's `callWS<T>`).
 */
export interface Commands {
  /** Built into the connection: answered with `pong`. */
  ping: { params: None; result: null };
  /**
   * Built into the connection: the events of `topic` follow as `event` messages carrying
   * `subscription`, this request's id, or on a repeat of a topic the id it was first given
   * (a socket holds one subscription per topic).
   */
  subscribe: { params: { topic: EventType }; result: { subscription: number } };
  /** Built into the connection: `subscription` is the id the subscribe answered with. */
  unsubscribe: { params: { subscription: number }; result: null };

  'session/info': { params: None; result: SessionInfo };
  'audit/query': { params: AuditQuery; result: AuditPage };

  'catalog/lookup_barcode': { params: { barcode: string }; result: ScannedSku };
  'catalog/search': { params: StyleSearch; result: StyleHits };

  'devices/list': { params: None; result: { items: DeviceView[] } };
  'devices/report_status': {
    /** `language` for a printer: a TSPL or ZPL printer is a label printer. */
    params: {
      hardwareId: string;
      status: HardwareStatus;
      reason?: string;
      language?: 'escpos' | 'tspl' | 'zpl';
    };
    result: null;
  };
  'drawer/open': { params: { reason: string }; result: { terminalId: string } };
  /** A bridge's answer to `drawer.open`: the kick went out, or why not. */
  'drawer/opened': { params: { requestId: string; opened: boolean; reason?: string }; result: null };
  /** A bridge says what config.json gives it and hears what to drive (the page's devices, the logo). */
  'bridge/setup': { params: { devices: unknown[] }; result: BridgeSetup };
  /** A bridge's answer to `hardware.test`. */
  'hardware/tested': { params: { requestId: string } & HardwareTestResult; result: null };
  'scanner/scan': { params: { hardwareId: string; code: string; symbology?: string }; result: null };
  'print/pending': { params: None; result: { items: PrintJob[] } };
  'print/report': {
    params: { jobId: string; state: PrintJobState; reason?: string; attempts?: number };
    result: null;
  };
  'print/reprint': { params: { jobId: string }; result: { terminalId: string; jobId: string } };

  'stock/sku': { params: { skuId: string }; result: SkuStock };
  'stocktake/scan': { params: { barcode: string; qty?: number; stocktakeId?: string }; result: CountResult };

  'members/find': {
    params: { phone?: string; last4?: string; code?: string; q?: string; limit?: number };
    result: { items: MemberView[] };
  };
  'members/get': { params: { memberId: string }; result: MemberView };
  'members/top_up': {
    params: { memberId: string; topUpId: string; amount: number; method: TopUpMethod };
    result: TopUpResult & { replayed: boolean };
  };

  'sale/quote': { params: QuoteRequest; result: Quote };
  'sale/complete': { params: SaleRequest; result: Completed };
  'sale/get': { params: { saleId: string }; result: SaleView };

  'shift/current': { params: None; result: ShiftReport };
  'shift/open': { params: { openingFloat: number }; result: ShiftReport };
  'shift/cash': { params: { kind: CashEntryKind; amount: number; reason: string }; result: ShiftReport };
  'shift/close': { params: { countedCash: number; note?: string }; result: ShiftReport };

  'cart/get': { params: None; result: CartView };
  /** The QR payment this terminal's customer is to scan now (a display catching up after a reload). */
  'payment/qr_pending': { params: None; result: { payment: MobilePaymentView | null } };
  /** Either `barcode` or `skuId`. */
  'cart/add': { params: { barcode?: string; skuId?: string; qty?: number }; result: CartView };
  'cart/set_qty': { params: { lineId: string; qty: number }; result: CartView };
  'cart/remove': { params: { lineId: string }; result: CartView };
  'cart/price': {
    params: { lineId: string; priceOverride?: number | null; discount?: LineDiscount | null };
    result: CartView;
  };
  'cart/member': { params: { memberId: string | null }; result: CartView };
  'cart/coupons': { params: { couponCodes: string[] }; result: CartView };
  'cart/points': { params: { redeemPoints: number }; result: CartView };
  'cart/training': { params: { on: boolean }; result: CartView };
  'cart/clear': { params: None; result: CartView };
  'cart/hold': { params: { label?: string }; result: CartView };
  'cart/held': { params: None; result: { items: CartView[] } };
  'cart/recall': { params: { cartId: string }; result: CartView };
  'cart/checkout': {
    params: { saleId: string; payments: PaymentRequest[]; expectedTotal?: number; memberPin?: string };
    result: CheckedOut;
  };
}

export type CommandType = keyof Commands;
export type CommandParams<K extends CommandType> = Commands[K]['params'];
export type CommandResult<K extends CommandType> = Commands[K]['result'];
