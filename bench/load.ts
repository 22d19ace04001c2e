// Load: 50 concurrent clients for 30 s against a mix of signed-in /onus
// searches, ONU pages and /api/v1/onus with API keys, on 200,000 ONUs linked
// to customers, while a UserSide sync runs against the fake.
// Run: npm run bench:load   (ONUS=50000 DURATION=10 for a smaller one)
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { UserSideSettings } from '../src/userside/settings.js';
import { FAKE_SN_FIELD_ID } from '../test/fakes/userside.js';
import { generateKey, setExternalApi } from '../test/helpers/api-keys.js';
import { ADMIN_PASSWORD, TestClient } from '../test/helpers/app.js';
import { mb } from './bench-app.js';

const ONUS = Number(process.env.ONUS ?? 200_000);
const DURATION = Number(process.env.DURATION ?? 30);
const WARM_UP = 5;
const API_KEYS = 10;
// 50 clients in all: 20 browsing the list, 15 opening ONU pages, 15 API clients.
const CLIENTS = { list: 20, onuPage: 15, api: 15 };

interface Served {
  baseUrl: string;
  cookie: string;
  readKeys: string[];
  writeKey: string;
  firstRun: { seconds: number; onusLinked: number };
}

interface TrafficResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Map<number, number>;
  errors: number;
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, JSON.parse(process.argv[4]!) as { url: string; apiKey: string });
else await main();

/** The app alone in this process: configured, one sync done so every ONU has its customer, then listening. */
async function serve(dataDir: string, fake: { url: string; apiKey: string }) {
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD, LOG_LEVEL: 'silent' }));
  const settings: UserSideSettings = { type: 'sync', intervalMinutes: 60, apiUrl: fake.url, fields: ['userName', 'login', 'contacts', 'address', 'status', 'balance', 'tariff'], snFieldId: FAKE_SN_FIELD_ID };
  app.integrations.save('userside', settings, fake.apiKey);
  app.integrations.setEnabled('userside', true);
  const started = performance.now();
  const first = await app.userSide.runOnce('manual');
  if (!first.ok || first.run.status !== 'succeeded') throw new Error(`first sync: ${first.ok ? first.run.error : first.reason}`);
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  const readKeys: string[] = [];
  for (let i = 0; i < API_KEYS; i++) readKeys.push(await generateKey(admin, { name: `load ${i}`, access: 'read', indefinite: true }));
  const writeKey = await generateKey(admin, { name: 'load runs', access: 'write', indefinite: true });
  await admin.get('/onus');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  process.send!({
    baseUrl: `http://127.0.0.1:${address.port}`,
    cookie: [...admin.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
    readKeys,
    writeKey,
    firstRun: { seconds: (performance.now() - started) / 1000, onusLinked: first.run.onusLinked },
  } satisfies Served);
  process.once('disconnect', () => void app.close().then(() => process.exit(0)));
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/**
 * `connections` clients, each sending its next request as soon as its last one
 * is answered, for `seconds`: a plain keep-alive loop per client, so what is
 * measured is the server, not a load generator's scheduling.
 */
async function drive(baseUrl: string, connections: number, seconds: number, next: (n: number) => { path: string; headers: Record<string, string> }): Promise<TrafficResult> {
  const pool = new Pool(baseUrl, { connections, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const { path, headers } = next(n++);
      const started = performance.now();
      try {
        const response = await pool.request({ method: 'GET', path, headers });
        await response.body.dump();
        latencies.push(performance.now() - started);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      } catch {
        errors++;
      }
    }
  }));
  await pool.close();
  latencies.sort((x, y) => x - y);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { requests: latencies.length, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), statuses, errors };
}

/** Every kind of traffic at once; the results in the order of CLIENTS. */
function mix(served: Served, seconds: number): Promise<TrafficResult[]> {
  // What operators do most: the list, its pages, a search with many hits; one in five a search that reads every row.
  const searches = ['/onus', `/onus?after=${ONUS - 100}`, '/onus?search=Subscriber%201', '/onus?after=5000', '/onus?search=user4242'];
  const spread = (n: number) => 1 + ((n * 7919 + 13) % ONUS);
  const page = { cookie: served.cookie };
  return Promise.all([
    drive(served.baseUrl, CLIENTS.list, seconds, (n) => ({ path: searches[n % searches.length]!, headers: page })),
    drive(served.baseUrl, CLIENTS.onuPage, seconds, (n) => ({ path: `/onus/${spread(n)}`, headers: page })),
    drive(served.baseUrl, CLIENTS.api, seconds, (n) => ({
      path: n % 3 === 0 ? `/api/v1/onus/${spread(n)}` : `/api/v1/onus?limit=50${n % 3 === 2 ? `&search=Customer%20${spread(n)}` : ''}`,
      headers: { authorization: `Bearer ${served.readKeys[n % served.readKeys.length]!}` },
    })),
  ]);
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-load-'));
  const here = fileURLToPath(import.meta.url);
  // The fake UserSide (which also seeds the ONUs) and the app each in a process of their own.
  const fakeProcess = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(here), 'userside-fake-process.ts')], {
    env: { ...process.env, CUSTOMERS: String(ONUS), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: fakeProcess.stdout! }), 'line')) as [string];
  const fake = JSON.parse(line) as { url: string; apiKey: string; onus: number };
  const server = fork(here, ['--serve', dataDir, JSON.stringify(fake)], { execArgv: ['--import', 'tsx'] });
  try {
    const [served] = (await once(server, 'message')) as [Served];
    const pid = server.pid!;
    console.log(`${fake.onus} ONUs, each linked to one of ${ONUS} customers (first sync: ${served.firstRun.seconds.toFixed(1)} s, ${served.firstRun.onusLinked} linked)`);

    await mix(served, WARM_UP);
    const rssAfterWarmUp = rssOf(pid);

    const started = await fetch(`${served.baseUrl}/api/v1/userside/runs`, { method: 'POST', headers: { authorization: `Bearer ${served.writeKey}` } });
    if (started.status !== 202) throw new Error(`sync did not start: HTTP ${started.status} ${await started.text()}`);
    const run = (await started.json()) as { id: number };
    let peak = rssAfterWarmUp;
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(pid)); }, 200);
    const [list, onuPage, api] = await mix(served, DURATION);
    clearInterval(sampler);
    const rssAfter = rssOf(pid);

    // The write key: the read keys may be at their rate limit by now.
    const runs = (await (await fetch(`${served.baseUrl}/api/v1/userside/runs`, { headers: { authorization: `Bearer ${served.writeKey}` } })).json()) as { items: { id: number; status: string; startedAt: string; finishedAt: string | null; customersFetched: number }[] };
    const sync = runs.items.find((r) => r.id === run.id)!;
    const syncSeconds = sync.finishedAt ? (Date.parse(sync.finishedAt) - Date.parse(sync.startedAt)) / 1000 : null;

    console.log(`\n${CLIENTS.list + CLIENTS.onuPage + CLIENTS.api} clients for ${DURATION} s after a ${WARM_UP} s warm-up; a UserSide sync started with the load`);
    console.log('| Traffic | Clients | Requests/s | p50 | p99 | 2xx | 429 | other non-2xx | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    let unexpected = 0;
    for (const [name, clients, r] of [['`/onus` list and searches (signed in)', CLIENTS.list, list], ['ONU pages `/onus/{id}`', CLIENTS.onuPage, onuPage], ['`/api/v1/onus` with API keys', CLIENTS.api, api]] as const) {
      const ok = [...r.statuses].filter(([status]) => status >= 200 && status < 300).reduce((sum, [, count]) => sum + count, 0);
      const limited = r.statuses.get(429) ?? 0;
      const other = r.requests - ok - limited;
      unexpected += other + r.errors;
      console.log(`| ${name} | ${clients} | ${Math.round(r.perSecond)} | ${r.p50} ms | ${r.p99} ms | ${ok} | ${limited} | ${other} | ${r.errors} |`);
    }
    console.log(`\nUserSide sync during the load: ${sync.status}${syncSeconds !== null ? ` in ${syncSeconds.toFixed(1)} s` : ` (still running, ${sync.customersFetched} customers fetched)`}`);
    console.log(`RSS of the app: ${mb(rssAfterWarmUp)} after warm-up, peak ${mb(peak)}, ${mb(rssAfter)} at the end (${((rssAfter / rssAfterWarmUp - 1) * 100).toFixed(0)}% growth; target: at most 20%)`);
    console.log(`Unexpected answers (non-2xx other than 429, or socket errors): ${unexpected} (target: 0)`);
    if (unexpected) process.exitCode = 1;
  } finally {
    server.disconnect();
    await once(server, 'exit');
    fakeProcess.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
