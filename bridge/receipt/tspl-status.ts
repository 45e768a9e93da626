import type { PrinterCondition } from './escpos.js';

/** `<ESC>!?`: a TSPL printer answers at once with one status byte, even while paused or in error. */
export const TSPL_STATUS_QUERY = Buffer.from([0x1b, 0x21, 0x3f]);

/**
 * The status byte's bits (TSPL2 manual): 0 head open, 1 paper jam, 2 out of paper, 3 out of
 * ribbon, 4 paused, 5 printing, 6 cover open, 7 other error. 0x00 is ready; printing is fine.
 */
export function readTsplStatus(byte: number): PrinterCondition {
  return {
    coverOpen: (byte & 0x41) !== 0,
    paperOut: (byte & 0x04) !== 0,
    paperLow: false,
    error: (byte & 0x9a) !== 0,
  };
}
