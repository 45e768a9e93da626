/** Every kind of row the audit log holds; the admin page filters by them. */
export const AUDIT_KINDS = [
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.logout',
  'drawer.opened',
  'shift.opened',
  'shift.cash_entry',
  'shift.closed',
  'receipt.reprinted',
  'staff.created',
  'staff.updated',
  'device.paired',
  'device.revoked',
  'device.pairings_cleared',
  'device.setup_changed',
  'device.tested',
  'store.identity_changed',
  'catalog.style_created',
  'catalog.style_updated',
  'catalog.imported',
  'catalog.photo_added',
  'catalog.photo_deleted',
  'catalog.photos_reordered',
  'catalog.photo_showcased',
  'catalog.color_added',
  'catalog.size_group_saved',
  'price.changed',
  'price.change_cancelled',
  'price.store_set',
  'price.store_cleared',
  'price.markdown',
  'stock.received',
  'stock.adjusted',
  'stock.transferred',
  'stock.settings_changed',
  'stocktake.opened',
  'stocktake.committed',
  'stocktake.cancelled',
  'member.created',
  'member.updated',
  'member.merged',
  'member.erased',
  'member.privacy_exported',
  'member.document_published',
  'member.phone_unmasked',
  'member.imported',
  'member.exported',
  'member.tags_changed',
  'data.exported',
  'backup.made',
  'member.pin_locked',
  'member.consent_withdrawn',
  'campaign.sent',
  'marketing.channel_set',
  'stored_value.topped_up',
  'stored_value.paid',
  'stored_value.refunded',
  'points.adjusted',
  'gift.saved',
  'gift.restocked',
  'gift.redeemed',
  'gift.returned',
  'loyalty.settings_changed',
  'loyalty.job_run',
  'coupon.template_saved',
  'coupon.issued',
  'coupon.voided',
  'sale.completed',
  'sale.price_overridden',
  'sale.discount_given',
  'sale.returned',
  'sale.exchanged',
  'sale.voided',
  'sale.settings_changed',
  'sale.receipt_settings_changed',
  'payments.setup_changed',
  'sale.receipt_logo_changed',
  'promotion.saved',
  'promotion.archived',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditRow {
  id: string;
  at: string;
  kind: AuditKind;
  staffId: string | null;
  approverId: string | null;
  deviceId: string | null;
  subject: { type: string; id: string } | null;
  detail: Record<string, unknown>;
}

/** `GET /api/audit` and `audit/query`: newest first; `before` is the `nextBefore` of the page before. */
export interface AuditQuery {
  from?: string;
  to?: string;
  staffId?: string;
  kind?: AuditKind;
  before?: string;
  limit?: number;
}

export interface AuditPage {
  items: AuditRow[];
  nextBefore: string | null;
}
