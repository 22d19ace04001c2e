// `npm run demo`: EasyPON on a fresh demo database with sample OLTs and ONUs,
// and a sample UserSide (the test fake, on loopback) already configured for
// Synchronization, so a newcomer sees a sync without a real billing system.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { serverLoggerOptions } from '../src/log-options.js';
import { DEFAULT_FIELDS, type UserSideSettings } from '../src/userside/settings.js';
import { FAKE_SN_FIELD_ID, startFakeUserSide } from '../test/fakes/userside.js';
import { seedDemoInventory } from './seed-demo.js';

const DEMO_CUSTOMERS = 5_000;
const DEMO_PASSWORD = 'demo-password';

const fake = await startFakeUserSide({ customers: DEMO_CUSTOMERS, latencyMs: 20 });
const dataDir = process.env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'easypon-demo-'));
const adminPassword = process.env.ADMIN_PASSWORD ?? DEMO_PASSWORD;

let config;
try {
  config = loadConfig({ ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: adminPassword });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// The first sync starts a few seconds after start; later ones follow the saved interval.
const app = await buildApp(config, { logger: serverLoggerOptions(config.logLevel), userSide: { scheduler: true, tickMs: 5_000 } });
const seeded = seedDemoInventory(app.db);
if (!app.integrations.get('userside').settings) {
  const settings: UserSideSettings = {
    type: 'sync',
    intervalMinutes: 60,
    apiUrl: fake.url,
    fields: [...DEFAULT_FIELDS, 'contacts', 'networkActivity', 'incomingTraffic', 'outgoingTraffic'],
    snFieldId: FAKE_SN_FIELD_ID,
  };
  app.integrations.save('userside', settings, fake.apiKey);
  app.integrations.setEnabled('userside', true);
}

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await fake.close();
    process.exit(0);
  });
}

await app.listen({ port: config.port, host: config.host });
console.log([
  '',
  `EasyPON demo: ${config.publicUrl.href}`,
  `  sign in as admin / ${adminPassword === DEMO_PASSWORD ? DEMO_PASSWORD : '(your ADMIN_PASSWORD)'}`,
  `  data: ${dataDir} (${seeded.onus} ONUs on ${seeded.olts} OLTs added)`,
  `  sample UserSide: ${fake.url} with ${DEMO_CUSTOMERS} customers`,
  '  a Synchronization starts within a few seconds: watch it under Settings > Integration.',
  '',
].join('\n'));
