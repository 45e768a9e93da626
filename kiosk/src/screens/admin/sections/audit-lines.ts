import type { AuditRow } from '../../../../../server/protocol/audit.js';
import { money } from '../../../data/format.js';
import { zheText } from '../../../data/zhe.js';
import { hasMessage, type MessageKey, t } from '../../../i18n/index.js';

/** Detail fields that hold fen: shown in yuan. */
const MONEY = new Set([
  'amount',
  'total',
  'price',
  'listPrice',
  'from',
  'to',
  'openingFloat',
  'expected',
  'counted',
  'variance',
  'refundTotal',
  'principal',
  'bonus',
  'credit',
  'difference',
  'minSpend',
]);

/** Detail fields whose text is a code (a tender, a role, a policy): shown by its name. */
const CODES = new Set([
  'method',
  'role',
  'kind',
  'rounding',
  'negativeStock',
  'reason',
  'format',
  'trigger',
  'answer',
]);

const said = (key: string, fallback: string): string => (hasMessage(key) ? t(key as MessageKey) : fallback);

/** What an audit row's kind is called: "调价" for `price.changed`. */
export function auditKindName(kind: string): string {
  return said(`words.auditKind.${kind}`, kind);
}

/** What the row is about: "销售单 …a1b2c3d4". */
export function auditSubject(subject: AuditRow['subject']): string {
  if (!subject) return '—';
  return `${said(`words.auditSubject.${subject.type}`, '')} …${subject.id.slice(-8)}`.trim();
}

function value(key: string, raw: unknown): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw === 'boolean') return t(raw ? 'words.yes' : 'words.no');
  if (typeof raw === 'number') {
    if (MONEY.has(key)) return money(raw);
    if (key.endsWith('Bp')) return zheText(raw);
    return String(raw);
  }
  if (typeof raw === 'string') {
    // A date and time as the shop reads it; a code as its name; anything else (a name) as written.
    if (/^\d{4}-\d\d-\d\dT/.test(raw)) return raw.slice(0, 16).replace('T', ' ');
    return CODES.has(key) ? said(`words.auditValue.${raw}`, raw) : raw;
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item) => value(key, item)).filter((item): item is string => item !== null);
    return items.length > 0 ? items.join('、') : null;
  }
  return null;
}

/**
 * An audit row's detail as lines a person reads: "金额：¥120.00", "方式：现金". A setting's
 * earlier value (`was`) reads beside the new one: "退货天数：30 → 15". Fields this screen
 * has no name for are left out of the lines (the whole detail stays in the row's title).
 */
export function auditDetailLines(detail: Record<string, unknown>): string[] {
  const was =
    typeof detail.was === 'object' && detail.was !== null ? (detail.was as Record<string, unknown>) : {};
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(detail)) {
    if (!hasMessage(`words.auditKey.${key}`)) continue;
    const shown = value(key, raw);
    const name = t(`words.auditKey.${key}` as MessageKey);
    if (Object.hasOwn(was, key)) lines.push(`${name}：${value(key, was[key]) ?? '—'} → ${shown ?? '—'}`);
    else if (shown !== null) lines.push(`${name}：${shown}`);
  }
  return lines;
}
