// Load: 50 concurrent clients for 30 s against a mix of signed-in /onus
// searches, ONU pages and /api/v1/onus with API keys, on 200,000 ONUs linked
// to customers, while a UserSide sync runs against the fake.
// Run: npm run bench:load   (ONUS=50000 DURATION=10 for a smaller one)
import autocannon, { type Result } from 'autocannon';
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

declare module 'autocannon' {
  interface Options {
    requests?: { setupRequest?: (request: { path: string; headers?: Record<string, string> }) => { path: string; headers?: Record<string, string> } }[];
  }
  interface Result {
    statusCodeStats: Record<string, { count: number }>;
    errors: number;
    timeouts: number;
  }
}

type Traffic = keyof typeof CLIENTS;

if (process.argv[2] === '--serve') await serve(process.argv[3]!, JSON.parse(process.argv[4]!) as { url: string; apiKey: string });
else if (process.argv[2] === '--client') await client(process.argv[3] as Traffic, JSON.parse(process.argv[4]!) as Served, Number(process.argv[5]));
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

/** A path (and headers) for every request, cycling through `make`. */
function varying(make: (n: number) => { path: string; headers?: Record<string, string> }) {
  let n = 0;
  return [{ setupRequest: (request: { path: string; headers?: Record<string, string> }) => {
    const next = make(n++);
    return { ...request, path: next.path, headers: { ...request.headers, ...next.headers } };
  } }];
}

/** One kind of traffic, alone in this process (autocannon instances sharing a process starve each other). */
async function client(traffic: Traffic, served: Served, duration: number) {
  // What operators do most: the list, its pages, a search with many hits; one in five a search that reads every row.
  const searches = ['/onus', `/onus?after=${ONUS - 100}`, '/onus?search=Subscriber%201', '/onus?after=5000', '/onus?search=user4242'];
  const random = (n: number) => 1 + ((n * 7919 + 13) % ONUS);
  const common = { url: served.baseUrl, duration, connections: CLIENTS[traffic] };
  const pages = { cookie: served.cookie };
  const result = traffic === 'list'
    ? await autocannon({ ...common, headers: pages, requests: varying((n) => ({ path: searches[n % searches.length]! })) })
    : traffic === 'onuPage'
      ? await autocannon({ ...common, headers: pages, requests: varying((n) => ({ path: `/onus/${random(n)}` })) })
      : await autocannon({
          ...common,
          requests: varying((n) => ({
            path: n % 3 === 0 ? `/api/v1/onus/${random(n)}` : `/api/v1/onus?limit=50${n % 3 === 2 ? '&search=Customer%20' + random(n) : ''}`,
            headers: { authorization: `Bearer ${served.readKeys[n % served.readKeys.length]!}` },
          })),
        });
  process.send!(result);
  process.disconnect();
}

/** Every kind of traffic at once, each from its own process; their results in the order of CLIENTS. */
function mix(served: Served, duration: number): Promise<Result[]> {
  return Promise.all((Object.keys(CLIENTS) as Traffic[]).map(async (traffic) => {
    const child = fork(fileURLToPath(import.meta.url), ['--client', traffic, JSON.stringify(served), String(duration)], { execArgv: ['--import', 'tsx'] });
    const [result] = (await once(child, 'message')) as [Result];
    return result;
  }));
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

    const runs = (await (await fetch(`${served.baseUrl}/api/v1/userside/runs`, { headers: { authorization: `Bearer ${served.readKeys[0]!}` } })).json()) as { items: { id: number; status: string; startedAt: string; finishedAt: string | null; customersFetched: number }[] };
    const sync = runs.items.find((r) => r.id === run.id)!;
    const syncSeconds = sync.finishedAt ? (Date.parse(sync.finishedAt) - Date.parse(sync.startedAt)) / 1000 : null;

    console.log(`\n${CLIENTS.list + CLIENTS.onuPage + CLIENTS.api} clients for ${DURATION} s after a ${WARM_UP} s warm-up; a UserSide sync started with the load`);
    console.log('| Traffic | Clients | Requests/s | p50 | p99 | 2xx | 429 | other non-2xx | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    let unexpected = 0;
    for (const [name, clients, r] of [['`/onus` list and searches (signed in)', CLIENTS.list, list], ['ONU pages `/onus/{id}`', CLIENTS.onuPage, onuPage], ['`/api/v1/onus` with API keys', CLIENTS.api, api]] as const) {
      const codes = r.statusCodeStats;
      const count = (prefix: string) => Object.entries(codes).filter(([c]) => c.startsWith(prefix)).reduce((sum, [, s]) => sum + s.count, 0);
      const ok = count('2');
      const limited = codes['429']?.count ?? 0;
      const other = Object.values(codes).reduce((sum, s) => sum + s.count, 0) - ok - limited;
      unexpected += other + r.errors;
      console.log(`| ${name} | ${clients} | ${Math.round(r.requests.average)} | ${r.latency.p50} ms | ${r.latency.p99} ms | ${ok} | ${limited} | ${other} | ${r.errors} |`);
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
