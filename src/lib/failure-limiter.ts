/**
 * Counts failures per key in a sliding window; once a key reaches `limit`,
 * `retryAfterMs` says how long until its oldest failure leaves the window.
 */
export function createFailureLimiter({ limit, windowMs, now = Date.now }: { limit: number; windowMs: number; now?: () => number }) {
  const failures = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = now() - windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list); else failures.delete(key);
    return list;
  }

  return {
    retryAfterMs(key: string): number {
      const list = recent(key);
      return list.length >= limit ? list[0]! + windowMs - now() : 0;
    },
    fail(key: string): void {
      const list = recent(key);
      list.push(now());
      failures.set(key, list.slice(-limit));
      // Bounded memory under a flood of distinct keys: forget the oldest.
      if (failures.size > 100_000) failures.delete(failures.keys().next().value!);
    },
    /** Takes back the latest failure (an attempt counted in advance that succeeded). */
    forgetLast(key: string): void {
      const list = recent(key);
      list.pop();
      if (!list.length) failures.delete(key);
    },
    reset(key: string): void {
      failures.delete(key);
    },
  };
}
