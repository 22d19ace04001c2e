// The 21 UserSide fields an administrator can show on the ONU page and in the
// External API: their order and labels (product.md) and how each is shown.
import { formatUtc } from '../lib/utc-time.js';
import type { CustomerSnapshot } from './customer.js';

export type CustomerFieldKey = Exclude<keyof CustomerSnapshot, 'credit'>;

export interface CustomerField {
  key: CustomerFieldKey;
  label: string;
}

/** In the order of "Select data to display in ONU information". */
export const CUSTOMER_FIELDS: readonly CustomerField[] = Object.freeze([
  { key: 'id', label: 'ID' },
  { key: 'userName', label: 'User Name' },
  { key: 'fullName', label: 'User full Name' },
  { key: 'login', label: 'User Login' },
  { key: 'contacts', label: 'Contacts' },
  { key: 'contractId', label: 'Contract ID' },
  { key: 'userId', label: 'User ID' },
  { key: 'address', label: 'User Address' },
  { key: 'status', label: 'Status' },
  { key: 'balance', label: 'Balance' },
  { key: 'tariff', label: 'Tariff' },
  { key: 'networkActivity', label: 'Network activity' },
  { key: 'internetActivity', label: 'Internet activity' },
  { key: 'connectionDate', label: 'Connection date' },
  { key: 'comment', label: 'Comment' },
  { key: 'incomingTraffic', label: 'Incoming traffic' },
  { key: 'outgoingTraffic', label: 'Outgoing traffic' },
  { key: 'group', label: 'Group' },
  { key: 'billingId', label: 'Billing ID' },
  { key: 'creationDate', label: 'Creation date' },
  { key: 'positiveBalanceDate', label: 'Positive balance date' },
] as const);

const FIELD_KEYS: ReadonlySet<string> = new Set(CUSTOMER_FIELDS.map((f) => f.key));

/** For parsing the settings form and stored settings. */
export function isCustomerFieldKey(value: string): value is CustomerFieldKey {
  return FIELD_KEYS.has(value);
}

const EMPTY = '—';
const STATUS_LABELS: Record<string, string> = { active: 'Active', paused: 'Paused', stopped: 'Stopped' };
const DATE_FIELDS: ReadonlySet<CustomerFieldKey> = new Set<CustomerFieldKey>([
  'networkActivity',
  'internetActivity',
  'connectionDate',
  'creationDate',
  'positiveBalanceDate',
]);

/** One field as the ONU page shows it. */
export function formatFieldForPage(key: CustomerFieldKey, snapshot: CustomerSnapshot): string {
  if (key === 'status') return STATUS_LABELS[snapshot.status] ?? (snapshot.status || EMPTY);
  if (key === 'balance') {
    const balance = snapshot.balance.toFixed(2);
    return snapshot.credit !== 0 ? `${balance} (credit ${snapshot.credit.toFixed(2)})` : balance;
  }
  if (key === 'incomingTraffic' || key === 'outgoingTraffic') return humanBytes(snapshot[key]);
  if (DATE_FIELDS.has(key)) return pageDate(snapshot[key] as string | null);
  if (key === 'contacts') return snapshot.contacts.join(', ') || EMPTY;
  const value = snapshot[key];
  return value === null || value === '' ? EMPTY : String(value);
}

/** The selected fields under their JSON names, in the order given, for the External API. */
export function pickFieldsForApi(
  selectedKeys: readonly CustomerFieldKey[],
  snapshot: CustomerSnapshot,
): Partial<Pick<CustomerSnapshot, CustomerFieldKey>> {
  const picked: Record<string, unknown> = {};
  for (const key of selectedKeys) {
    if (isCustomerFieldKey(key)) picked[key] = snapshot[key];
  }
  return picked as Partial<Pick<CustomerSnapshot, CustomerFieldKey>>;
}

/** `1610612736` → "1.5 GB" (binary multiples, as network tools count traffic). */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  // Compares the rounded value, so 1023.96 KB shows as "1 MB", not "1024 KB".
  while (Math.abs(Number(value.toFixed(1))) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(Math.round(value)) : String(Number(value.toFixed(1)));
  return `${shown} ${units[unit]}`;
}

/** ISO time → "2026-11-30 14:05 UTC". */
function pageDate(iso: string | null): string {
  if (iso === null) return EMPTY;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return EMPTY;
  return formatUtc(date);
}
