import type { FastifyInstance } from 'fastify';
import type { FieldErrors } from '../lib/form.js';
import { formatUtc } from '../lib/utc-time.js';
import type { IntegrationCard } from '../integrations/card.js';
import { NAME_MAX_LENGTH, utcDay, type KeyForm } from './key-form.js';
import { createApiKeyRepository, type ApiKey } from './repository.js';
import { isApiKeyUsable } from './verify.js';

/** What the panel shows besides the list: the open form, or the key just created (shown this once). */
export interface PanelState {
  form?: KeyForm | null;
  errors?: FieldErrors;
  newKey?: { name: string; key: string; expiry: string; access: string } | null;
}

const ACCESS_LABELS: Record<ApiKey['access'], string> = { read: 'Read only', write: 'Read and write' };

export function accessLabel(access: ApiKey['access']): string {
  return ACCESS_LABELS[access];
}

export function expiryLabel(expiresAt: Date | null): string {
  return expiresAt ? utcDay(expiresAt) : 'Never';
}

/** Locals of views/apikeys/panel.eta. */
export function apiKeysPanel(app: FastifyInstance, state: PanelState = {}) {
  const now = app.now();
  const keys = createApiKeyRepository(app.db).listActive().map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    access: accessLabel(key.access),
    createdAt: formatUtc(key.createdAt),
    expiry: expiryLabel(key.expiresAt),
    expired: !isApiKeyUsable(key, now),
    lastActivity: key.lastUsedAt ? formatUtc(key.lastUsedAt) : 'Never',
    ip: key.lastUsedIp ?? '',
  }));
  return {
    enabled: app.integrations.get('apikeys').enabled,
    keys,
    form: state.form ?? null,
    errors: state.errors ?? {},
    newKey: state.newKey ?? null,
    today: utcDay(now),
    // The first day the form accepts: a key must last at least through tomorrow.
    firstExpiryDay: utcDay(new Date(now.getTime() + 86_400_000)),
    nameMaxLength: NAME_MAX_LENGTH,
  };
}

export const apiKeysCard: IntegrationCard = {
  name: 'apikeys',
  title: 'API Keys',
  switchLabel: 'Turn on External API?',
  status(app) {
    if (!app.integrations.get('apikeys').enabled) return null;
    const usable = createApiKeyRepository(app.db).listActive().filter((key) => isApiKeyUsable(key, app.now())).length;
    if (usable === 0) return 'On, but no usable key yet: generate one to call the API.';
    return `On: the External API answers at /api/v1 (${usable} usable key${usable === 1 ? '' : 's'}).`;
  },
  load: async (app) => ({ panel: apiKeysPanel(app) }),
};
