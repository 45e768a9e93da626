import { currentLanguage } from '../i18n/index.js';

/**
 * The shop's time zone (`timeZone` in the server's data/config.json): every screen learns it
 * when its connection comes online (`session/info`); until then, the default of every Hanger shop.
 */
let storeTimeZone = 'Asia/Shanghai';

export function storeZone(): string {
  return storeTimeZone;
}

/** Today in the shop's zone, `YYYY-MM-DD`: a store day. */
export function storeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: storeTimeZone }).format(new Date());
}

const zoneListeners = new Set<() => void>();

/** Calls `listener` whenever the store's time zone changes; returns how to stop. */
export function onStoreZoneChanged(listener: () => void): () => void {
  zoneListeners.add(listener);
  return () => zoneListeners.delete(listener);
}

/** Shows dates and times in `zone` from now on; a name the browser does not know is ignored. */
export function useStoreZone(zone: string): void {
  if (zone === storeTimeZone) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return;
  }
  storeTimeZone = zone;
  formats.clear();
  for (const listener of zoneListeners) listener();
}

const moneyFormat = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });

/** Integer fen → "¥1,299.00". Money is formatted only here, at the screen. */
export function money(fen: number): string {
  return moneyFormat.format(fen / 100);
}

/** "299", "299.5", "¥1,299.00" → fen, exactly (no floating point); null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const clean = text.replace(/[¥￥,\s]/g, '');
  const match = /^(\d{1,7})(?:\.(\d{0,2}))?$/.exec(clean);
  if (!match) return null;
  const yuan = Number(match[1]);
  const fen = Number((match[2] ?? '').padEnd(2, '0'));
  return yuan * 100 + fen;
}

/** Fen → "299.00" for an input field. */
export function yuanText(fen: number): string {
  return (fen / 100).toFixed(2);
}

const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const language = currentLanguage();
  const key = `${language}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { timeZone: storeTimeZone, ...options });
    formats.set(key, format);
  }
  return format;
}

/** An ISO time as the shop reads it: "2026/11/24 18:00". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** An ISO time's date in the shop's time zone: "2026年11月24日". */
export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateFormat({ dateStyle: 'medium' }).format(new Date(iso));
}

/** A whole number with the language's grouping: 12,345. */
export function count(value: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(value);
}

/** A percentage as the reports give it (66.67 for two thirds) in the language's way: "66.7%". */
export function percent(value: number): string {
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 1 }).format(
    value / 100,
  );
}

/** How long ago an ISO time was, in the language's words: "3 分钟前", "3 minutes ago". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const words = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'auto' });
  if (seconds < 60) return words.format(-seconds, 'second');
  if (seconds < 3600) return words.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return words.format(-Math.floor(seconds / 3600), 'hour');
  return words.format(-Math.floor(seconds / 86_400), 'day');
}
