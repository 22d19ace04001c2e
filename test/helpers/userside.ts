import type { FastifyInstance } from 'fastify';
import { seedDemoInventory } from '../../scripts/seed-demo.js';
import { FAKE_SN_FIELD_ID, startFakeUserSide, type FakeUserSide, type FakeUserSideOptions } from '../fakes/userside.js';
import { buildTestApp, TestClient, type TestAppOptions } from './app.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface UserSideSetup {
  app: FastifyInstance;
  fake: FakeUserSide;
  admin: TestClient;
}

/** An app with `onus` demo ONUs (ONU i carries customer i's MAC and serial), a fake UserSide and a signed-in admin. */
export async function userSideSetup(t: Teardown, options: { onus?: number; fake?: Partial<FakeUserSideOptions>; app?: TestAppOptions } = {}): Promise<UserSideSetup> {
  const fake = await startFakeUserSide({ customers: 10, ...options.fake });
  t.teardown(() => fake.close());
  const app = await buildTestApp(t, { ...options.app, userSide: { client: { timeoutMs: 2_000 }, ...options.app?.userSide } });
  if (options.onus !== 0) seedDemoInventory(app.db, options.onus ?? 10);
  const admin = await new TestClient(app).signIn();
  return { app, fake, admin };
}

/** The UserSide card's form, filled for the fake; `overrides` replace fields. */
export function userSideForm(fake: FakeUserSide, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    type: 'import',
    intervalMinutes: '60',
    apiUrl: fake.url,
    apiKey: fake.apiKey,
    fields: ['id', 'userName', 'login', 'status', 'balance', 'tariff'],
    snFieldId: String(FAKE_SN_FIELD_ID),
    ...overrides,
  };
}

/** Turns the integration on and saves the card through its form. */
export async function configureUserSide(admin: TestClient, fake: FakeUserSide, overrides: Record<string, string | string[]> = {}): Promise<void> {
  await admin.get('/settings/integration');
  const on = await admin.post('/settings/integration/userside/switch', { enabled: 'on' });
  if (on.statusCode !== 302) throw new Error(`switch failed: ${on.statusCode}`);
  const saved = await admin.post('/settings/integration/userside', userSideForm(fake, overrides));
  if (saved.statusCode !== 302) throw new Error(`save failed: ${saved.statusCode} ${saved.body}`);
}
