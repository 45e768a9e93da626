import type { AppContext } from '../../context.js';
import type { DevicePrincipal } from '../../protocol/roles.js';

/** A printer language a bridge names when it reports a printer's status. */
export const PRINTER_LANGUAGES = ['escpos', 'tspl', 'zpl'] as const;
export type PrinterLanguage = (typeof PRINTER_LANGUAGES)[number];

interface LabelPrinter {
  bridgeId: string;
  terminalId: string;
  hardwareId: string;
  language: 'tspl' | 'zpl';
  reportedAt: number;
}

/**
 * The label printers the bridges of this server said they drive. A bridge reports every
 * device's status when it connects and whenever it changes, so the list is whole again
 * moments after a restart of the server; it is not worth a table.
 */
const known = new WeakMap<AppContext, Map<string, LabelPrinter>>();

/** Remembers (or forgets) a bridge's printer as a label printer, from its status report. */
export function notePrinter(
  ctx: AppContext,
  bridge: DevicePrincipal,
  hardwareId: string,
  language: PrinterLanguage | undefined,
): void {
  if (!language || !bridge.terminalId) return;
  let printers = known.get(ctx);
  if (!printers) {
    printers = new Map();
    known.set(ctx, printers);
  }
  const key = `${bridge.deviceId}/${hardwareId}`;
  if (language === 'escpos') printers.delete(key);
  else
    printers.set(key, {
      bridgeId: bridge.deviceId,
      terminalId: bridge.terminalId,
      hardwareId,
      language,
      reportedAt: Date.now(),
    });
}

/** The bridge that drives a label printer, the one heard from last; null when none does. */
export function labelPrinter(ctx: AppContext): LabelPrinter | null {
  const printers = [...(known.get(ctx)?.values() ?? [])];
  return printers.sort((a, b) => b.reportedAt - a.reportedAt)[0] ?? null;
}

/** A revoked bridge prints no more tags. */
export function forgetBridge(ctx: AppContext, bridgeId: string): void {
  const printers = known.get(ctx);
  for (const [key, printer] of printers ?? []) if (printer.bridgeId === bridgeId) printers?.delete(key);
}
