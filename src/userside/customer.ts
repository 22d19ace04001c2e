// A UserSide customer, parsed. Every reading of the answer that userside-api.md
// calls unconfirmed is made here and nowhere else: what "ID" and "User ID"
// hold, which traffic period is current, how addresses become one line.
import { normalizeMac, normalizeSn } from '../lib/mac-sn.js';

/** The 21 fields of "ONU information" under their JSON names, plus `credit` for the Balance page value. */
export interface CustomerSnapshot {
  id: number;
  userName: string;
  fullName: string;
  login: string;
  contacts: string[];
  contractId: string;
  userId: number;
  address: string;
  /** 'active' | 'paused' | 'stopped', or the state number UserSide sent, '' when none */
  status: string;
  balance: number;
  credit: number;
  tariff: string;
  networkActivity: string | null;
  internetActivity: string | null;
  connectionDate: string | null;
  comment: string;
  incomingTraffic: number;
  outgoingTraffic: number;
  group: string;
  billingId: string;
  creationDate: string | null;
  positiveBalanceDate: string | null;
}

export interface NameLookups {
  tariffs: ReadonlyMap<number, string>;
  groups: ReadonlyMap<number, string>;
}

const STATES: Record<string, string> = { '0': 'stopped', '1': 'paused', '2': 'active' };

/** One raw `get_data` customer → a snapshot, or null when it carries no usable id. */
export function parseCustomer(raw: unknown, names: NameLookups): CustomerSnapshot | null {
  if (!isRecord(raw)) return null;
  const id = positiveInt(raw.id);
  if (id === null) return null;
  const fullName = text(raw.full_name);
  const login = text(raw.login);
  const traffic = currentTraffic(raw.traffic);
  return {
    // Unconfirmed: EasyPON's "ID" and "User ID" are both taken to be the customer id.
    id,
    userName: fullName || login,
    fullName,
    login,
    contacts: contactsOf(raw),
    contractId: contractIdOf(raw),
    userId: id,
    address: addressLine(raw.address),
    status: statusOf(raw.state_id),
    balance: amount(raw.balance),
    credit: amount(raw.credit),
    tariff: namesOf(currentTariffs(raw.tariff), names.tariffs),
    networkActivity: isoDate(raw.date_activity),
    internetActivity: isoDate(raw.date_activity_inet),
    connectionDate: isoDate(raw.date_connect),
    comment: text(raw.comment),
    incomingTraffic: traffic.down,
    outgoingTraffic: traffic.up,
    group: namesOf(listOf(raw.group, 'id'), names.groups),
    billingId: billingIdOf(raw),
    creationDate: isoDate(raw.date_create),
    positiveBalanceDate: isoDate(raw.date_positive_balance),
  };
}

/** What links a customer to ONUs: the MACs in `ip_mac` and the serials in additional-data field `snFieldId`. */
export function linkKeys(raw: unknown, snFieldId?: number | null): { macs: string[]; sns: string[] } {
  if (!isRecord(raw)) return { macs: [], sns: [] };
  const macs = listOf(raw.ip_mac, 'mac').flatMap((entry) => {
    const mac = isRecord(entry) ? text(entry.mac) : text(entry);
    const normal = mac === '' ? null : normalizeMac(mac);
    return normal === null ? [] : [normal];
  });
  const sns = snFieldId == null ? [] : additionalValues(raw.additional_data, snFieldId).flatMap(serialsIn);
  return { macs: unique(macs), sns: unique(sns) };
}

// ---------------------------------------------------------------------------
// The unconfirmed choices

/** `traffic: {"<period>": {up, down}}`: the latest period is the one whose key sorts last (numbers as numbers). */
function currentTraffic(traffic: unknown): { up: number; down: number } {
  let latest: unknown;
  if (Array.isArray(traffic)) latest = traffic[traffic.length - 1];
  else if (isRecord(traffic)) {
    const keys = Object.keys(traffic);
    const numeric = keys.every((k) => /^\d+$/.test(k));
    keys.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
    latest = traffic[keys[keys.length - 1]];
  }
  if (!isRecord(latest)) return { up: 0, down: 0 };
  return { up: bytes(latest.up), down: bytes(latest.down) };
}

/** Each address as "apartment full name, entrance N, floor N"; several addresses joined with "; ". */
function addressLine(address: unknown): string {
  if (typeof address === 'string') return address.trim();
  const lines = itemsOf(address).map((entry) => {
    if (typeof entry === 'string') return entry.trim();
    if (!isRecord(entry)) return '';
    const apartment = isRecord(entry.apartment) ? entry.apartment : {};
    const place = text(apartment.full_name) || text(entry.full_name) || text(entry.address);
    const parts = [place];
    if (!place && text(apartment.number)) parts.push(`apt. ${text(apartment.number)}`);
    if (text(entry.entrance) && text(entry.entrance) !== '0') parts.push(`entrance ${text(entry.entrance)}`);
    if (text(entry.floor) && text(entry.floor) !== '0') parts.push(`floor ${text(entry.floor)}`);
    return parts.filter((p) => p !== '').join(', ');
  });
  return unique(lines.filter((line) => line !== '')).join('; ');
}

// ---------------------------------------------------------------------------
// The other fields

function statusOf(stateId: unknown): string {
  const state = text(stateId);
  return STATES[state] ?? state;
}

/** Main phones and emails first, then the rest; phones before emails within each. */
function contactsOf(raw: Record<string, unknown>): string[] {
  const contacts = [
    ...listOf(raw.phone, 'number').map((p) => contact(p, 'number')),
    ...listOf(raw.email, 'address').map((e) => contact(e, 'address')),
  ].filter((c) => c.value !== '');
  const ordered = [...contacts.filter((c) => c.main), ...contacts.filter((c) => !c.main)];
  return unique(ordered.map((c) => c.value));
}

function contact(entry: unknown, field: string): { value: string; main: boolean } {
  if (!isRecord(entry)) return { value: text(entry), main: false };
  const main = entry.flag_main === true || Number(entry.flag_main) === 1;
  return { value: text(entry[field]), main };
}

function contractIdOf(raw: Record<string, unknown>): string {
  const agreements = typeof raw.agreement === 'string' ? [raw.agreement] : itemsOf(raw.agreement);
  const numbers = agreements.map((a) => (isRecord(a) ? text(a.number) : text(a))).filter((n) => n !== '');
  return unique(numbers).join(', ') || text(raw.account_number);
}

function billingIdOf(raw: Record<string, unknown>): string {
  const uuid = isRecord(raw.billing) ? text(raw.billing.uuid) : '';
  const id = text(raw.billing_id);
  return uuid || (id === '0' ? '' : id);
}

/** `tariff.current`, or a bare container of tariffs in versions without current/new. */
function currentTariffs(tariff: unknown): unknown[] {
  if (!isRecord(tariff) && !Array.isArray(tariff)) return [];
  if (isRecord(tariff) && ('current' in tariff || 'new' in tariff)) return listOf(tariff.current, 'id');
  return listOf(tariff, 'id');
}

function namesOf(entries: unknown[], names: ReadonlyMap<number, string>): string {
  const resolved = entries.flatMap((entry) => {
    const id = positiveInt(isRecord(entry) ? entry.id : entry);
    const ownName = isRecord(entry) ? text(entry.name) : '';
    if (id === null) return ownName ? [ownName] : [];
    return [names.get(id) ?? (ownName || `#${id}`)];
  });
  return unique(resolved).join(', ');
}

function additionalValues(data: unknown, fieldId: number): unknown[] {
  const values: unknown[] = [];
  const entries = Array.isArray(data) ? data.map((v) => [undefined, v] as const) : isRecord(data) ? Object.entries(data) : [];
  for (const [key, entry] of entries) {
    const id = isRecord(entry) && entry.id !== undefined ? Number(entry.id) : Number(key);
    if (id !== fieldId) continue;
    const value = isRecord(entry) ? entry.value : entry;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values;
}

/** Several serials may share one value, separated by commas, semicolons or spaces; `ZTEG C6E96AD7` stays one. */
function serialsIn(value: unknown): string[] {
  const tokens = text(value).split(/[\s,;]+/).filter((t) => t !== '');
  const serials: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const alone = normalizeSn(tokens[i]);
    const joined = i + 1 < tokens.length ? normalizeSn(tokens[i] + tokens[i + 1]) : null;
    if (alone === null && joined !== null) {
      serials.push(joined);
      i++;
    } else if (alone !== null) serials.push(alone);
  }
  return serials;
}

// ---------------------------------------------------------------------------
// Values

/** `YYYY-MM-DD[ HH:MM:SS]` read as UTC (or unix seconds) → ISO 8601; empty and `0000-00-00` → null. */
export function isoDate(value: unknown): string | null {
  if (typeof value === 'number') return value > 0 ? new Date(value * 1000).toISOString() : null;
  const s = text(value);
  if (s === '' || s.startsWith('0000')) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (!m) return /^\d{9,11}$/.test(s) ? isoDate(Number(s)) : null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00'] = m;
  const day = Number(d);
  // Checked by hand rather than through Date, which would roll 2026-02-30 into March.
  if (Number(mo) < 1 || Number(mo) > 12 || day < 1 || day > daysInMonth(Number(y), Number(mo))) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${sec}.000Z`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function amount(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(text(value).replace(',', '.'));
  return Number.isFinite(n) ? n : 0;
}

function bytes(value: unknown): number {
  const n = amount(value);
  return n > 0 ? Math.round(n) : 0;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : Number(text(value));
  return Number.isSafeInteger(n) && n > 0 && text(value) !== '' ? n : null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function itemsOf(container: unknown): unknown[] {
  if (Array.isArray(container)) return container;
  if (isRecord(container)) return Object.values(container);
  return [];
}

/** A container keyed by id or an array; a lone entry (one that has `ownField` itself) counts as a list of one. */
function listOf(container: unknown, ownField: string): unknown[] {
  if (typeof container === 'string' || typeof container === 'number') return [container];
  if (isRecord(container) && ownField in container && !isRecord(container[ownField])) return [container];
  return itemsOf(container);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
