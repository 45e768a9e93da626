import type { Generated, Selectable } from 'kysely';

/** The tables, as Kysely sees them. Columns are snake_case; the wire is camelCase. */
export interface Database {
  schema_version: SchemaVersionTable;
  stores: StoreTable;
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  sign_in_locks: SignInLockTable;
  devices: DeviceTable;
  device_pairings: DevicePairingTable;
  audit_log: AuditLogTable;
  categories: CategoryTable;
  colors: ColorTable;
  size_groups: SizeGroupTable;
  styles: StyleTable;
  skus: SkuTable;
  catalog_counters: CatalogCounterTable;
  price_changes: PriceChangeTable;
  stock_levels: StockLevelTable;
  stock_movements: StockMovementTable;
  stock_documents: StockDocumentTable;
  inventory_settings: InventorySettingsTable;
  stocktakes: StocktakeTable;
  stocktake_counts: StocktakeCountTable;
  tiers: TierTable;
  loyalty_settings: LoyaltySettingTable;
  loyalty_jobs: LoyaltyJobTable;
  members: MemberTable;
  member_changes: MemberChangeTable;
  points_lots: PointsLotTable;
  points_movements: PointsMovementTable;
  stored_value_entries: StoredValueEntryTable;
  member_requests: MemberRequestTable;
  tier_changes: TierChangeTable;
  member_activity: MemberActivityTable;
  coupon_templates: CouponTemplateTable;
  coupons: CouponTable;
  sales: SaleTable;
  sale_lines: SaleLineTable;
  sale_line_discounts: SaleLineDiscountTable;
  sale_payments: SalePaymentTable;
  returns: ReturnTable;
  return_lines: ReturnLineTable;
  refunds: RefundTable;
  receipt_counters: ReceiptCounterTable;
  promotions: PromotionTable;
  sales_settings: SalesSettingsTable;
  receipt_settings: ReceiptSettingsTable;
  bridge_setups: BridgeSetupTable;
  sale_exceptions: SaleExceptionTable;
  gifts: GiftTable;
  gift_stock_movements: GiftStockMovementTable;
  gift_redemptions: GiftRedemptionTable;
  price_change_cancellations: PriceChangeCancellationTable;
  store_prices: StorePriceTable;
  carts: CartTable;
  shifts: ShiftTable;
  shift_cash_entries: ShiftCashEntryTable;
  print_jobs: PrintJobTable;
  segments: SegmentTable;
  marketing_channels: MarketingChannelTable;
  campaigns: CampaignTable;
  campaign_messages: CampaignMessageTable;
  campaign_settings: CampaignSettingsTable;
  campaign_outbox: CampaignOutboxTable;
  campaign_triggers: CampaignTriggerTable;
  campaign_trigger_sends: CampaignTriggerSendTable;
  feedback: FeedbackTable;
  payments: PaymentTable;
  payment_refunds: PaymentRefundTable;
  referrals: ReferralTable;
  referral_rewards: ReferralRewardTable;
  member_documents: MemberDocumentTable;
  store_links: StoreLinkTable;
  row_changes: RowChangeTable;
  row_changes_kept: RowChangesKeptTable;
  row_change_marks: RowChangeMarkTable;
  settings_stamp: SettingsStampTable;
}

export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface StoreTable {
  id: string;
  code: string;
  name: string;
  currency: string;
  time_zone: string;
  created_at: string;
  /** Since migration 12. */
  address: string | null;
}

export interface StaffTable {
  id: string;
  store_id: string;
  username: string;
  name: string;
  role: string;
  password_hash: string | null;
  pin_hash: string | null;
  active: number;
  created_at: string;
  updated_at: string;
  /** 1: works for the whole chain (head office), signs in at every store; 0: at its own store only. */
  chain_wide: Generated<number>;
}

/** A staff row as read back. */
export type StaffRow = Selectable<StaffTable>;

/** Sign-in attempts of one staff member from one address ('*': from all of them). */
export interface SignInLockTable {
  staff_id: string;
  address: string;
  failures: Generated<number>;
  locked_until: string | null;
}

export interface StaffSessionTable {
  id: string;
  store_id: string;
  staff_id: string;
  token_hash: string;
  device_id: string | null;
  method: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface DeviceTable {
  id: string;
  store_id: string;
  kind: string;
  name: string;
  /** Null until the device has collected its token after the owner paired it. */
  token_hash: string | null;
  terminal_id: string | null;
  paired_by: string;
  paired_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_seen_at: string | null;
}

export interface DevicePairingTable {
  id: string;
  store_id: string;
  kind: string;
  name: string;
  code: string;
  secret_hash: string;
  status: string;
  device_id: string | null;
  created_at: string;
  expires_at: string;
  /** The IP the request came from: a few waiting pairings per address. */
  address: string | null;
}

export interface AuditLogTable {
  id: string;
  store_id: string;
  at: string;
  kind: string;
  staff_id: string | null;
  approver_id: string | null;
  device_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  detail: string;
}

// Catalogue and inventory (migration 0002).

export interface CategoryTable {
  id: string;
  store_id: string;
  parent_id: string | null;
  name: string;
  path: string;
  created_at: string;
}

export interface ColorTable {
  id: string;
  store_id: string;
  name: string;
  created_at: string;
}

export interface SizeGroupTable {
  id: string;
  store_id: string;
  code: string;
  name: string;
  sizes: string;
  updated_at: string;
}

export interface StyleTable {
  id: string;
  store_id: string;
  style_code: string;
  name: string;
  search_text: string;
  category_id: string | null;
  brand: string | null;
  season: string | null;
  year: number | null;
  tag_price: number;
  base_price: number;
  cost: number | null;
  special_price: number;
  member_prices: string;
  size_group: string | null;
  colors: string;
  sizes: string;
  photos: string;
  low_stock_threshold: number | null;
  active: number;
  created_at: string;
  updated_at: string;
  /** Who the style is bought from (migration 26), for the owner's reorders. */
  supplier: string | null;
  /** JSON StyleCertificate (合格证 fields), or null. */
  certificate: string | null;
}

export type StyleRow = Selectable<StyleTable>;

export interface SkuTable {
  id: string;
  store_id: string;
  style_id: string;
  color: string;
  size: string;
  barcode: string;
  barcode_source: string;
  low_stock_threshold: number | null;
  active: number;
  created_at: string;
}

export type SkuRow = Selectable<SkuTable>;

export interface CatalogCounterTable {
  store_id: string;
  name: string;
  value: number;
}

export interface PriceChangeTable {
  id: string;
  store_id: string;
  style_id: string;
  price: number;
  starts_at: string;
  reason: string;
  markdown_id: string | null;
  staff_id: string | null;
  created_at: string;
}

export interface StockLevelTable {
  store_id: string;
  sku_id: string;
  /** The SKU's style and size (they never change), for stock per style and per size. */
  style_id: string;
  size: string;
  on_hand: number;
  updated_at: string;
}

export interface StockMovementTable {
  id: string;
  store_id: string;
  sku_id: string;
  delta: number;
  kind: string;
  reason: string | null;
  ref_type: string;
  ref_id: string;
  unit_cost: number | null;
  on_hand_after: number;
  staff_id: string | null;
  at: string;
}

export interface StockDocumentTable {
  id: string;
  store_id: string;
  kind: string;
  reason: string | null;
  supplier: string | null;
  counterpart: string | null;
  external_ref: string | null;
  note: string | null;
  staff_id: string | null;
  at: string;
}

export interface InventorySettingsTable {
  store_id: string;
  negative_stock: string;
  updated_at: string;
}

export interface StocktakeTable {
  id: string;
  store_id: string;
  status: string;
  category_ids: string;
  note: string | null;
  opened_by: string | null;
  opened_at: string;
  closed_by: string | null;
  closed_at: string | null;
}

export interface StocktakeCountTable {
  stocktake_id: string;
  sku_id: string;
  counted: number;
  expected: number;
  first_counted_at: string;
  updated_at: string;
}

// Members and loyalty (migration 0003). Members are chain-wide; `store_id` says where a row happened.

export interface TierTable {
  id: string;
  code: string;
  name: string;
  rank: number;
  min_spend_12m: number | null;
  min_spend_lifetime: number | null;
  min_points_earned: number | null;
  min_visits: number | null;
  discount_regular_bp: number;
  discount_special_bp: number;
  points_multiplier_pct: number;
  birthday_discount_bp: number | null;
  birthday_coupon_template_id: string | null;
  updated_at: string;
}

export type TierRow = Selectable<TierTable>;

export interface LoyaltySettingTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}

export interface LoyaltyJobTable {
  name: string;
  last_run_at: string;
  detail: string;
}

export interface MemberTable {
  id: string;
  store_id: string;
  number: number;
  code: string;
  /** Null once the member was erased or merged into another. */
  phone: string | null;
  phone_last4: string | null;
  /** Where e-mail campaigns go (migration 14); null when not given. */
  email: string | null;
  name: string;
  gender: string | null;
  birth_year: number | null;
  birth_month: number | null;
  birth_day: number | null;
  sizes: string;
  styles: string;
  tags: string;
  notes: string;
  consents: string;
  registered_by: string | null;
  registered_device_id: string | null;
  referrer_id: string | null;
  /** The member's invitation code (migration 25): short, unique, without look-alike letters. */
  invite_code: string | null;
  tier_id: string;
  tier_since: string;
  tier_below_since: string | null;
  pin_hash: string | null;
  pin_failed_attempts: Generated<number>;
  pin_locked_until: string | null;
  points: Generated<number>;
  stored_principal: Generated<number>;
  stored_bonus: Generated<number>;
  points_earned_total: Generated<number>;
  spend_lifetime: Generated<number>;
  visits: Generated<number>;
  /** When they last bought (migration 26); '' before their first purchase. */
  last_visit_at: Generated<string>;
  status: string;
  merged_into: string | null;
  created_at: string;
  updated_at: string;
}

export type MemberRow = Selectable<MemberTable>;

export interface MemberChangeTable {
  id: string;
  store_id: string;
  member_id: string;
  at: string;
  kind: string;
  staff_id: string | null;
  device_id: string | null;
  changes: string;
}

export interface PointsLotTable {
  id: string;
  store_id: string;
  member_id: string;
  source: string;
  points: number;
  remaining: number;
  earned_at: string;
  expires_at: string;
  ref_type: string | null;
  ref_id: string | null;
}

export interface PointsMovementTable {
  id: string;
  store_id: string;
  member_id: string;
  lot_id: string;
  at: string;
  delta: number;
  balance: number;
  reason: string;
  ref_type: string | null;
  ref_id: string | null;
  staff_id: string | null;
  approver_id: string | null;
  note: string | null;
}

export interface StoredValueEntryTable {
  id: string;
  store_id: string;
  member_id: string;
  at: string;
  kind: string;
  principal_delta: number;
  bonus_delta: number;
  principal_balance: number;
  bonus_balance: number;
  method: string | null;
  ref_type: string | null;
  ref_id: string | null;
  staff_id: string | null;
  approver_id: string | null;
  note: string | null;
}

export interface MemberRequestTable {
  id: string;
  store_id: string;
  kind: string;
  member_id: string;
  body: string;
  result: string;
  at: string;
}

export interface TierChangeTable {
  id: string;
  store_id: string;
  member_id: string;
  at: string;
  from_tier_id: string | null;
  to_tier_id: string;
  reason: string;
  detail: string;
  ref_type: string | null;
  ref_id: string | null;
  staff_id: string | null;
}

export interface MemberActivityTable {
  id: string;
  store_id: string;
  member_id: string;
  at: string;
  kind: string;
  amount: number;
  visit: number;
  ref_type: string | null;
  ref_id: string | null;
}

export interface CouponTemplateTable {
  id: string;
  name: string;
  kind: string;
  value: number;
  min_spend: number;
  categories: string;
  styles: string;
  valid_from: string | null;
  valid_to: string | null;
  valid_days: number | null;
  per_member_limit: number | null;
  trigger: string;
  trigger_tier_code: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export type CouponTemplateRow = Selectable<CouponTemplateTable>;

export interface CouponTable {
  id: string;
  store_id: string;
  template_id: string;
  member_id: string;
  code: string;
  issue_reason: string;
  issue_key: string | null;
  issued_at: string;
  issued_by: string | null;
  valid_from: string;
  valid_to: string;
  status: string;
  redeemed_at: string | null;
  redeemed_store_id: string | null;
  redeemed_ref_type: string | null;
  redeemed_ref_id: string | null;
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

export type CouponRow = Selectable<CouponTable>;

// Gifts for points and price-change cancellations (migration 0005).

export interface GiftTable {
  id: string;
  store_id: string;
  name: string;
  description: string | null;
  points: number;
  stock: Generated<number>;
  active: number;
  created_at: string;
  updated_at: string;
}

export type GiftRow = Selectable<GiftTable>;

export interface GiftStockMovementTable {
  id: string;
  store_id: string;
  gift_id: string;
  delta: number;
  stock_after: number;
  kind: string;
  ref_type: string | null;
  ref_id: string | null;
  staff_id: string | null;
  approver_id: string | null;
  note: string | null;
  at: string;
}

export interface GiftRedemptionTable {
  id: string;
  store_id: string;
  member_id: string;
  gift_id: string;
  qty: number;
  points: number;
  status: string;
  at: string;
  staff_id: string | null;
  approver_id: string | null;
  device_id: string | null;
  returned_at: string | null;
  returned_by: string | null;
  return_reason: string | null;
}

export type GiftRedemptionRow = Selectable<GiftRedemptionTable>;

export interface PriceChangeCancellationTable {
  change_id: string;
  store_id: string;
  style_id: string;
  reason: string;
  staff_id: string | null;
  approver_id: string | null;
  at: string;
}

/** A chain store's own price of a style (migration 0017). */
export interface StorePriceTable {
  store_id: string;
  style_id: string;
  price: number;
  staff_id: string | null;
  set_at: string;
}

// Checkout (migration 0004).

export interface SaleTable {
  id: string;
  store_id: string;
  number: string;
  business_day: string;
  at: string;
  staff_id: string | null;
  approver_id: string | null;
  device_id: string | null;
  member_id: string | null;
  training: number;
  status: string;
  subtotal: number;
  discount_total: number;
  total: number;
  paid: number;
  change: number;
  rounding: number;
  points_earned: number;
  points_redeemed: number;
  request_hash: string;
  result: string;
  receipt: string;
  exchange_of: string | null;
  voided_at: string | null;
  voided_by: string | null;
  void_approver_id: string | null;
  void_reason: string | null;
}

export type SaleRow = Selectable<SaleTable>;

export interface SaleLineTable {
  id: string;
  store_id: string;
  sale_id: string;
  line_no: number;
  sku_id: string;
  style_id: string;
  category_id: string | null;
  barcode: string;
  name: string;
  color: string;
  size: string;
  qty: number;
  list_price: number;
  unit_price: number;
  price_override: number | null;
  discount_total: number;
  total: number;
  /** The style's cost for one unit when the line was sold; null when it had none. */
  unit_cost: number | null;
  returned_qty: Generated<number>;
}

export type SaleLineRow = Selectable<SaleLineTable>;

export interface SaleLineDiscountTable {
  id: string;
  store_id: string;
  sale_id: string;
  line_id: string;
  seq: number;
  source: string;
  ref: string | null;
  label: string;
  amount: number;
}

export interface SalePaymentTable {
  id: string;
  store_id: string;
  sale_id: string;
  seq: number;
  method: string;
  amount: number;
  reference: string | null;
  principal: number | null;
  bonus: number | null;
}

export interface ReturnTable {
  id: string;
  store_id: string;
  sale_id: string | null;
  number: string;
  business_day: string;
  at: string;
  kind: string;
  staff_id: string | null;
  approver_id: string | null;
  device_id: string | null;
  member_id: string | null;
  training: number;
  amount: number;
  points_taken: number;
  points_shortfall: number;
  kept_back: number;
  points_given_back: number;
  refund_total: number;
  reason: string | null;
  request_hash: string;
  result: string;
  receipt: string;
}

export interface ReturnLineTable {
  id: string;
  store_id: string;
  return_id: string;
  sale_line_id: string | null;
  sku_id: string;
  qty: number;
  amount: number;
  points_discount: number;
}

export interface RefundTable {
  id: string;
  store_id: string;
  return_id: string;
  seq: number;
  method: string;
  amount: number;
  reference: string | null;
}

export interface ReceiptCounterTable {
  store_id: string;
  day: string;
  series: string;
  value: number;
}

export interface PromotionTable {
  id: string;
  store_id: string;
  kind: string;
  label: string;
  priority: number;
  exclusive_group: string | null;
  definition: string;
  active: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  archived_at: string | null;
}

export type PromotionRow = Selectable<PromotionTable>;

export interface SalesSettingsTable {
  store_id: string;
  return_days: number;
  cashier_discount_limit_bp: number;
  rounding: string;
  /** 1: a till sells only while a shift is open on it. */
  require_shift: number;
  updated_at: string;
}

/** The shop's receipt text (migration 21); multi-line fields hold one printed line per text line. */
export interface ReceiptSettingsTable {
  store_id: string;
  address: string;
  phone: string;
  returns_policy: string;
  footer: string;
  /** One printed line per text line, under the shop's name. */
  header: Generated<string>;
  /** The logo as `ReceiptLogo` JSON; empty when none. */
  logo: Generated<string>;
  updated_at: string;
}

export interface BridgeSetupTable {
  device_id: string;
  store_id: string;
  devices: string;
  updated_at: string;
}

export interface SaleExceptionTable {
  id: string;
  store_id: string;
  at: string;
  kind: string;
  staff_id: string | null;
  device_id: string | null;
  ref_type: string | null;
  ref_id: string | null;
  message: string;
  detail: string;
}

export interface CartTable {
  id: string;
  store_id: string;
  terminal_id: string;
  /** active (the one in progress), held (挂单), completed. */
  status: string;
  label: string | null;
  /** The cart as JSON: lines, member, coupons, points, training. */
  body: string;
  /** The staff member who approved an override or discount on this cart. */
  approver_id: string | null;
  sale_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ShiftTable {
  id: string;
  store_id: string;
  terminal_id: string;
  /** open, closed. */
  status: string;
  opened_by: string;
  opened_at: string;
  opening_float: number;
  closed_by: string | null;
  closed_at: string | null;
  expected_cash: number | null;
  counted_cash: number | null;
  variance: number | null;
  note: string | null;
}

export interface ShiftCashEntryTable {
  id: string;
  store_id: string;
  shift_id: string;
  /** cash_in, paid_out. */
  kind: string;
  amount: number;
  reason: string;
  staff_id: string;
  approver_id: string | null;
  at: string;
}

export interface PrintJobTable {
  /** The job id (a sale's receipt uses the sale id). */
  id: string;
  store_id: string;
  terminal_id: string;
  /** The whole job as JSON. */
  job: string;
  created_at: string;
  collected_at: string | null;
  /** As the bridge last reported it (`PrintJobState`). */
  state: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface SegmentTable {
  id: string;
  store_id: string;
  name: string;
  definition: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

export interface MarketingChannelTable {
  store_id: string;
  channel: string;
  url: string;
  token: string | null;
  updated_at: string;
  /** Non-secret settings as JSON (migration 11). */
  settings: string | null;
}

export interface CampaignTable {
  id: string;
  store_id: string;
  name: string;
  channel: string;
  template: string;
  definition: string;
  coupon_template_id: string | null;
  sent_at: string;
  sent_by: string | null;
  /** Set on the campaigns an automatic trigger made (migration 11). */
  trigger_kind: string | null;
}

export interface CampaignMessageTable {
  id: string;
  campaign_id: string;
  member_id: string;
  body: string;
  status: string;
  error: string | null;
  at: string;
}

export interface CampaignSettingsTable {
  store_id: string;
  cap_count: number;
  cap_days: number;
  quiet_start: number;
  quiet_end: number;
  max_attempts: number;
  updated_at: string;
  /** What one SMS costs the shop, fen; the 退订 line its messages end with (migration 23). */
  sms_price_fen: Generated<number>;
  sms_opt_out: Generated<string>;
}

export interface CampaignOutboxTable {
  id: string;
  store_id: string;
  message_id: string | null;
  channel: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  error: string | null;
  created_at: string;
  sent_at: string | null;
  /** The SMS provider's id of the message (BizId, SerialNo), for its delivery receipt (migration 23). */
  provider_ref: string | null;
  /** When the provider reported it reached the phone (migration 23). */
  delivered_at: string | null;
}

export interface CampaignTriggerTable {
  store_id: string;
  kind: string;
  enabled: number;
  days: number | null;
  channel: string;
  template: string;
  coupon_template_id: string | null;
  /** SMS through a provider: the code of the template it approved. */
  template_code: string | null;
  updated_at: string;
}

export interface CampaignTriggerSendTable {
  id: string;
  store_id: string;
  kind: string;
  member_id: string;
  occasion: string;
  message_id: string;
  coupon_code: string | null;
  at: string;
}

export interface FeedbackTable {
  id: string;
  store_id: string;
  at: string;
  stars: number;
  comment: string | null;
  device_id: string | null;
  member_id: string | null;
}

/** Since migration 19: a mobile payment (付款码), written before the provider is called. */
export interface PaymentTable {
  id: string;
  store_id: string;
  provider: string;
  out_trade_no: string;
  amount: number;
  request_hash: string;
  status: string;
  unsettled: number;
  transaction_id: string | null;
  failure: string | null;
  cancel_asked: Generated<number>;
  refunded_on_cancel: Generated<number>;
  sale_id: string | null;
  member_id: string | null;
  staff_id: string | null;
  device_id: string | null;
  created_at: string;
  updated_at: string;
  deadline_at: string;
  /** Since migration 28: `code` (the customer's 付款码 scanned) or `qr` (the customer scans the display's QR). */
  mode: Generated<string>;
  /** Since migration 28: the provider's code URL a QR payment shows; null until it answered. */
  qr_url: string | null;
  /** Since migration 30: `upay` when the payment went through 收钱吧, else null. */
  aggregator: string | null;
}

/** Since migration 19: a refund asked of a payment's provider, written before it is sent. */
export interface PaymentRefundTable {
  id: string;
  store_id: string;
  payment_id: string;
  return_id: string | null;
  amount: number;
  status: string;
  refund_id: string | null;
  failure: string | null;
  created_at: string;
  updated_at: string;
}

/** A newcomer who joined with a member's invitation code (migration 25). */
export interface ReferralTable {
  id: string;
  store_id: string;
  referrer_id: string;
  newcomer_id: string;
  invite_code: string;
  joined_at: string;
}

/** What one side was given for a referral, or had taken back (append-only). */
export interface ReferralRewardTable {
  id: string;
  store_id: string;
  referral_id: string;
  at: string;
  kind: 'reward' | 'take_back';
  side: 'referrer' | 'newcomer';
  member_id: string;
  points: number;
  points_short: number;
  coupon_id: string | null;
  coupon_outcome: string | null;
  ref_type: string;
  ref_id: string;
  staff_id: string | null;
}

/** One published version of the membership terms or the privacy policy (append-only). */
export interface MemberDocumentTable {
  id: string;
  kind: 'terms' | 'privacy';
  text: string;
  published_at: string;
  published_by: string | null;
}

/** A chain store's link to head office as the store last reported it (migration 27). */
export interface StoreLinkTable {
  store_id: string;
  /** online, offline. */
  mode: string;
  waiting: number;
  held: number;
  copied_at: string | null;
  reported_at: string;
  /** The rows head office refused, as JSON `StoreLinkView['heldRows']` (migration 31). */
  held_rows: Generated<string>;
}

/**
 * A row of a table the chain's stores copy, changed at head office (migration 34): by which
 * transaction (`pg_current_xact_id()`), in which table, its primary key as JSON.
 */
export interface RowChangeTable {
  /** The writing transaction's 64-bit id (PostgreSQL's bigint, read as a number like every bigint here). */
  changed_in: number;
  table_name: string;
  /** The row's primary key as JSON text. */
  row_key: string;
}

/** From which transaction on `row_changes` holds every change (one row, id 1; none: from the start). */
export interface RowChangesKeptTable {
  id: number;
  kept_from: number;
}

/** When head office's log of changed rows was pruned (migration 34), and where its transactions stood. */
export interface RowChangeMarkTable {
  at: string;
  /** The oldest transaction still running then (`pg_snapshot_xmin`): every older one had ended. */
  oldest_running: number;
}

/**
 * Changes whenever a table a sale reads its settings from changes (one row, id 1; migration 35),
 * so a sale keeps the settings it parsed while the stamp stays.
 */
export interface SettingsStampTable {
  id: number;
  stamp: string;
}
