import { positiveQueryNumber } from './route-helpers.js';

/** What the ONU list and its export show: a search, an OLT, a keyset cursor. */
export interface OnuListQuery {
  search: string;
  oltId: number | undefined;
  afterId: number | undefined;
}

/** Parses `?search=&olt=&after=`; anything malformed is ignored. */
export function onuListQuery(query: unknown): OnuListQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const search = typeof q.search === 'string' ? q.search.trim().slice(0, 100) : '';
  return { search, oltId: positiveQueryNumber(q.olt), afterId: positiveQueryNumber(q.after) };
}

export function onuListUrl(path: string, query: OnuListQuery): string {
  const params = new URLSearchParams();
  if (query.search) params.set('search', query.search);
  if (query.oltId) params.set('olt', String(query.oltId));
  if (query.afterId) params.set('after', String(query.afterId));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
