// The fake UserSide alone in its own process, so the benchmark's memory and CPU
// figures are EasyPON's. Seeds the inventory under DATA_DIR first (ONU i carries
// customer i's MAC and serial), then prints `{"url":...,"apiKey":...}` once listening.
import { openDatabase } from '../src/db/client.js';
import { seedDemoInventory } from '../scripts/seed-demo.js';
import { startFakeUserSide } from '../test/fakes/userside.js';

const customers = Number(process.env.CUSTOMERS ?? 100_000);
const db = openDatabase(process.env.DATA_DIR!);
const seeded = seedDemoInventory(db, customers);
db.$client.close();
const fake = await startFakeUserSide({ customers });
process.stdout.write(JSON.stringify({ url: fake.url, apiKey: fake.apiKey, onus: seeded.onus }) + '\n');
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
