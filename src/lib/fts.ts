// Substring search over FTS5 trigram indexes. A term with few matches is
// looked up in the index; a term with many is cheaper checked row by row while
// walking ONUs in id order, which stops as soon as a page is full. Counting the
// index's matches (up to a bound) tells which of the two a term is.
import type Database from 'better-sqlite3';

/** Above this many matches the row-by-row walk finds a page sooner than the index lookup. */
export const SPARSE_MATCHES = 2000;

/** `text` as an FTS5 phrase (a substring for the trigram tokenizer), or null when shorter than a trigram. */
export function ftsPhrase(text: string): string | null {
  if ([...text].length < 3) return null;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Whether a MATCH expression finds fewer than SPARSE_MATCHES rows of `table`. */
export function createSparseCheck(client: Database.Database, table: string): (match: string) => boolean {
  // Prepared on first use: most requests that build a repository never search.
  let count: Database.Statement<[string], number> | undefined;
  return (match) => {
    count ??= client.prepare<[string], number>(`select count(*) from (select 1 from ${table} where ${table} match ? limit ${SPARSE_MATCHES})`).pluck();
    return count.get(match)! < SPARSE_MATCHES;
  };
}

/** Whether a term has letters LIKE cannot fold: then both sides of the comparison go through casefold(). */
export function needsCasefold(text: string): boolean {
  return /[^\x00-\x7f]/.test(text);
}
