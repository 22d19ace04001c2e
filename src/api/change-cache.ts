import type { Db } from '../db/client.js';

/**
 * A cache that empties itself whenever the database changes: a write on the
 * app's connection (total_changes) or a commit from any other connection
 * (data_version). Reads that repeat between writes, the common case for API
 * clients polling, then cost neither a query nor a serialization.
 */
export function createChangeCache<V>(db: Db, maxEntries: number) {
  const version = db.$client.prepare("select total_changes() || ':' || data_version from pragma_data_version()").pluck();
  const entries = new Map<string, V>();
  let cachedAt = '';

  return {
    get(key: string, compute: () => V): V {
      const now = version.get() as string;
      if (now !== cachedAt) {
        entries.clear();
        cachedAt = now;
      }
      let value = entries.get(key);
      if (value === undefined) {
        value = compute();
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
  };
}
