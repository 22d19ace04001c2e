/** Disk full, read-only file or I/O failure: SQLite rolled the statement back, reads still work. */
export function isStorageFailure(error: unknown): boolean {
  return /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/.test((error as { code?: unknown } | null)?.code?.toString() ?? '');
}
