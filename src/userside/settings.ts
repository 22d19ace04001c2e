import type { FastifyInstance } from 'fastify';
import { isCustomerFieldKey, type CustomerFieldKey } from './fields.js';

export type UserSideRunType = 'import' | 'sync';

/** What the UserSide card saves in plain text; the API key is stored apart, encrypted. */
export interface UserSideSettings extends Record<string, unknown> {
  type: UserSideRunType;
  intervalMinutes: number;
  /** the api.php URL, as normalizeApiUrl gives it */
  apiUrl: string;
  /** the fields shown on the ONU page and in the API, in CUSTOMER_FIELDS order */
  fields: CustomerFieldKey[];
  /** the additional-data field holding GPON serial numbers, or null */
  snFieldId: number | null;
}

export const DEFAULT_INTERVAL_MINUTES = 60;
export const MIN_INTERVAL_MINUTES = 5;
/** Checked on a card never saved: what an operator most often needs at an ONU. */
export const DEFAULT_FIELDS: readonly CustomerFieldKey[] = ['userName', 'login', 'contractId', 'address', 'status', 'balance', 'tariff'];

export const NOT_CONFIGURED = 'On, but not configured yet: it does nothing until the address and API key are saved.';

export interface UserSideState {
  enabled: boolean;
  settings: UserSideSettings | null;
  hasSecret: boolean;
}

/** The saved state, with settings read defensively (they are JSON from the database). */
export function userSideState(app: FastifyInstance): UserSideState {
  const state = app.integrations.get<Partial<UserSideSettings>>('userside');
  const s = state.settings;
  const settings: UserSideSettings | null = s && typeof s.apiUrl === 'string' && s.apiUrl
    ? {
        type: s.type === 'sync' ? 'sync' : 'import',
        intervalMinutes: Number.isInteger(s.intervalMinutes) && s.intervalMinutes! >= MIN_INTERVAL_MINUTES ? s.intervalMinutes! : DEFAULT_INTERVAL_MINUTES,
        apiUrl: s.apiUrl,
        fields: Array.isArray(s.fields) ? s.fields.filter((f): f is CustomerFieldKey => typeof f === 'string' && isCustomerFieldKey(f)) : [...DEFAULT_FIELDS],
        snFieldId: Number.isInteger(s.snFieldId) && s.snFieldId! > 0 ? s.snFieldId! : null,
      }
    : null;
  return { enabled: state.enabled, settings, hasSecret: state.hasSecret };
}

/** On and saved completely: runs may start, the ONU page shows the block. */
export function activeUserSide(app: FastifyInstance): { settings: UserSideSettings; apiKey: string } | null {
  const { enabled, settings, hasSecret } = userSideState(app);
  if (!enabled || !settings || !hasSecret) return null;
  const apiKey = readApiKey(app);
  return apiKey ? { settings, apiKey } : null;
}

// A key saved under another DATA_DIR secret cannot be read: the card then asks for it again.
export function readApiKey(app: FastifyInstance): string | null {
  try {
    return app.integrations.getSecret('userside');
  } catch {
    return null;
  }
}

export function runTypeLabel(type: UserSideRunType): string {
  return type === 'sync' ? 'Synchronization' : 'Import';
}
