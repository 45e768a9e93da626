/** SQLite result codes that mean "the storage cannot take this write now", not a bug. */
const UNAVAILABLE: { match: RegExp; message: string }[] = [
  {
    match: /^SQLITE_FULL/,
    message: 'The disk is full: nothing was saved. Free some space on the server, then try again.',
  },
  {
    match: /^SQLITE_READONLY/,
    message:
      'The database is read-only (file or folder permissions, or a read-only disk): nothing was saved. Fix it on the server, then try again.',
  },
  {
    match: /^SQLITE_(IOERR|CANTOPEN)/,
    message: 'The server cannot write to its disk: nothing was saved. Check the disk, then try again.',
  },
  {
    match: /^SQLITE_(BUSY|LOCKED)/,
    message: 'The database is busy: nothing was saved. Try again in a moment.',
  },
];

/**
 * What a shop owner can do about a storage fault, or null when `error` is something else.
 * The write transaction was rolled back as a whole.
 */
export function storageFaultMessage(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  return UNAVAILABLE.find((entry) => entry.match.test(code))?.message ?? null;
}
