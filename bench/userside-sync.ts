// A UserSide run at ISP scale: 100,000 customers from the fake UserSide over
// loopback into an inventory of 100,000 ONUs, then the same run again with
// nothing changed. Run: npx tsx bench/userside-sync.ts   (CUSTOMERS=20000 for a smaller one)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { UserSideSettings } from '../src/userside/settings.js';
import { FAKE_SN_FIELD_ID } from '../test/fakes/userside.js';
import { mb } from './bench-app.js';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-bench-'));

// The fake (and the seeding of the ONUs) in a child process: what is measured here is EasyPON alone.
const fakeProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./userside-fake-process.ts', import.meta.url).pathname], {
  env: { ...process.env, CUSTOMERS: String(CUSTOMERS), DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [line] = (await once(createInterface({ input: fakeProcess.stdout! }), 'line')) as [string];
const fake = JSON.parse(line) as { url: string; apiKey: string; onus: number };

const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-password-1', LOG_LEVEL: 'silent' }));
await app.ready();
let peak = 0;
// The run shares the event loop with every request: its longest stall is what a request may wait.
let lastTick = performance.now();
let longestStall = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
  const now = performance.now();
  longestStall = Math.max(longestStall, now - lastTick - 20);
  lastTick = now;
}, 20);

try {
  const settings: UserSideSettings = { type: 'sync', intervalMinutes: 60, apiUrl: fake.url, fields: ['userName', 'login'], snFieldId: FAKE_SN_FIELD_ID };
  app.integrations.save('userside', settings, fake.apiKey);
  app.integrations.setEnabled('userside', true);
  console.log(`${fake.onus} ONUs, ${CUSTOMERS} customers in the fake; RSS before the runs ${mb(process.memoryUsage.rss())}`);

  for (const label of ['full run', 'unchanged re-run']) {
    peak = process.memoryUsage.rss();
    longestStall = 0;
    lastTick = performance.now();
    const started = performance.now();
    const result = await app.userSide.runOnce('manual');
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 50)); // lets the sampler see a stall at the very end
    if (!result.ok) throw new Error(result.reason);
    const run = result.run;
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error}`);
    console.log(`${label}: ${seconds.toFixed(1)} s, peak RSS ${mb(peak)}, customers ${run.customersFetched}/${run.customersTotal}, ` +
      `ONUs linked ${run.onusLinked}, snapshot rows written ${run.onusChanged + run.onusUnlinked} (changed ${run.onusChanged}, unlinked ${run.onusUnlinked}), conflicts ${run.conflicts}, ` +
      `longest event-loop stall ${Math.round(longestStall)} ms`);
  }
} finally {
  clearInterval(sampler);
  await app.close();
  fakeProcess.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
