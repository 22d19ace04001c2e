import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestClient } from './app.js';

/** Flips the External API switch through the Integration page. */
export async function setExternalApi(admin: TestClient, on: boolean): Promise<void> {
  const response = await admin.post('/settings/integration/apikeys/switch', { enabled: on ? 'on' : 'off' });
  if (response.statusCode !== 302) throw new Error(`switch failed: ${response.statusCode} ${response.body}`);
}

export interface KeyFormValues {
  name?: string;
  access?: 'read' | 'write';
  expiryDate?: string;
  indefinite?: boolean;
}

/** The key shown once on the answer to "Save", or null when the answer has none. */
export function shownKey(response: LightMyRequestResponse): string | null {
  return /id="new-api-key"[^>]*value="(epk_[0-9A-Za-z]{38})"/.exec(response.body)?.[1] ?? null;
}

/** Posts the "Generate New Key" form as an admin would. */
export function postKeyForm(admin: TestClient, values: KeyFormValues, headers: Record<string, string> = {}) {
  const form: Record<string, string> = { name: values.name ?? 'test key', access: values.access ?? 'read', expiryDate: values.expiryDate ?? '' };
  if (values.indefinite ?? !values.expiryDate) form.indefinite = 'on';
  return admin.post('/settings/integration/apikeys', form, headers);
}

/** Generates a key through the card and returns its text. */
export async function generateKey(admin: TestClient, values: KeyFormValues = {}): Promise<string> {
  const response = await postKeyForm(admin, values);
  const key = shownKey(response);
  if (response.statusCode !== 200 || !key) throw new Error(`key generation failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
  return key;
}

/** An External API request with the key as a bearer token. */
export function callApi(app: FastifyInstance, key: string | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method,
    url,
    headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}
