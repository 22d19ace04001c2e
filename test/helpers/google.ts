import type { FastifyInstance } from 'fastify';
import type { FakeOidcProvider } from '../fakes/oidc-provider.js';
import { buildTestApp, TestClient, type TestAppOptions } from './app.js';

export const HTTPS_PUBLIC_URL = 'https://easypon.test';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The app served at an https PUBLIC_URL with the fake provider as the OpenID issuer. */
export function buildGoogleTestApp(t: Teardown, provider: FakeOidcProvider, options: TestAppOptions = {}): Promise<FastifyInstance> {
  return buildTestApp(t, { ...options, env: { PUBLIC_URL: HTTPS_PUBLIC_URL, GOOGLE_ISSUER_URL: provider.issuer, ...options.env } });
}

/** Turns Google Authorization on and saves the fake provider's client, as an admin would. */
export async function turnOnGoogle(admin: TestClient, provider: FakeOidcProvider, domains: string[] = ['example.com']): Promise<void> {
  await admin.get('/settings/integration');
  const switched = await admin.post('/settings/integration/google/switch', { enabled: 'on' });
  if (switched.statusCode !== 302) throw new Error(`switch refused: ${switched.statusCode}`);
  const saved = await admin.post('/settings/integration/google', { clientId: provider.clientId, apiKey: provider.clientSecret, domains });
  if (saved.statusCode !== 302) throw new Error(`save refused: ${saved.statusCode} ${saved.body}`);
}

/**
 * Follows a round trip: the app's redirect to the provider, the provider's approval,
 * and the app's callback. Returns the callback's answer.
 */
export async function roundTripThroughProvider(client: TestClient, provider: FakeOidcProvider, start: () => Promise<{ statusCode: number; headers: Record<string, unknown> }>) {
  const started = await start();
  if (started.statusCode !== 302) throw new Error(`the round trip did not start: ${started.statusCode}`);
  const callback = new URL(await provider.authorize(String(started.headers.location)));
  return { callbackUrl: callback, response: await client.get(callback.pathname + callback.search) };
}
