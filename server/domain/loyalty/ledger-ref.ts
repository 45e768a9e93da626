/** The document a ledger row belongs to: a sale, a return, a top-up, an import… */
export interface LedgerRef {
  type: string;
  id: string;
}

/** Who acted, for the ledger rows and the audit log. */
export interface Actor {
  staffId: string | null;
  approverId?: string | null;
  deviceId?: string | null;
}

export const refColumns = (ref: LedgerRef | null) => ({
  ref_type: ref?.type ?? null,
  ref_id: ref?.id ?? null,
});

/** The wire form of a ledger reference: `sale:0192…`. */
export const refText = (type: string | null, id: string | null): string | null =>
  type && id ? `${type}:${id}` : null;
