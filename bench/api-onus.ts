// The External API's ONU list against a bare Fastify route answering the same
// JSON from memory: what key authentication, the rate limit, the database and
// the serializer cost. Run: npx tsx bench/api-onus.ts
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { encodeOnuCursor } from '../src/api/json.js';
import { ADMIN_PASSWORD, TestClient } from '../test/helpers/app.js';
import { generateKey, setExternalApi } from '../test/helpers/api-keys.js';
import { seedBenchOnus } from './bench-app.js';

const ONUS = Number(process.env.ONUS ?? 10_000);
const OLTS = 10;
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = 10;
const PATH = '/api/v1/onus?limit=50';

declare module 'autocannon' {
  interface Options {
    requests?: { setupRequest?: (request: { path: string }) => { path: string } }[];
  }
}

interface Served {
  baseUrl: string;
  key?: string;
}

// Each server runs in its own process, one at a time, so autocannon never shares an event loop or a core with it.
const role = process.argv[2];
if (role === '--serve-api') await serveApi();
else if (role === '--serve-bare') await serveBare(process.argv[3]!);
else await main();

async function serveApi() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-bench-'));
  // The rate limit is checked on every request as in production, only set out of the benchmark's reach.
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD, LOG_LEVEL: 'silent' }), { apiRateLimitPerMinute: 1_000_000_000 });
  seedBenchOnus(app, ONUS, OLTS);
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { name: 'benchmark', access: 'read', indefinite: true });
  process.send!({ baseUrl: await listenOnLoopback(app), key } satisfies Served);
  process.once('disconnect', () => void app.close().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }));
}

async function serveBare(payloadJson: string) {
  const payload = JSON.parse(payloadJson) as unknown;
  const app = Fastify({ logger: false });
  app.get('/api/v1/onus', async () => payload);
  process.send!({ baseUrl: await listenOnLoopback(app) } satisfies Served);
  process.once('disconnect', () => void app.close().then(() => process.exit(0)));
}

async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

async function withServer<T>(args: string[], use: (served: Served) => Promise<T>): Promise<T> {
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'], env: { ...process.env } });
  const [served] = (await once(child, 'message')) as [Served];
  try {
    return await use(served);
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
}

/** Requests per second and latency; `paths` varies the path of each request (default: always `url`'s). */
async function run(url: string, headers: Record<string, string>, paths?: () => string) {
  const requests = paths ? [{ setupRequest: (request: { path: string }) => ({ ...request, path: paths() }) }] : undefined;
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers, requests }); // warm-up: JIT, SQLite page cache
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, requests });
  if (result.non2xx) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  const { body, api, uncached } = await withServer(['--serve-api'], async ({ baseUrl, key }) => {
    const headers = { authorization: `Bearer ${key!}` };
    const check = await fetch(baseUrl + PATH, { headers });
    if (check.status !== 200) throw new Error(`${PATH}: HTTP ${check.status}`);
    const text = await check.text();
    if ((JSON.parse(text) as { items: unknown[] }).items.length !== 50) throw new Error('expected 50 ONUs');
    const api = await run(baseUrl + PATH, headers);
    // Every request a different page (a cursor anywhere in the table): the page cache never answers.
    let n = 0;
    const uncached = await run(baseUrl + PATH, headers, () => `${PATH}&cursor=${encodeOnuCursor((n++ * 7919) % (ONUS - 60))}`);
    return { body: text, api, uncached };
  });
  const bare = await withServer(['--serve-bare', body], async ({ baseUrl }) => {
    const check = await (await fetch(baseUrl + PATH)).text();
    if (check !== body) throw new Error('the bare route does not answer the same JSON');
    return run(baseUrl + PATH, {});
  });

  console.log(`GET ${PATH}: ${ONUS} ONUs on ${OLTS} OLTs, answer ${body.length} bytes; ${CONNECTIONS} connections, ${DURATION} s each after a 2 s warm-up`);
  console.log('| Server | Requests/s | Latency p50 | p99 |');
  console.log('|---|---:|---:|---:|');
  console.log(`| bare Fastify, JSON from memory | ${Math.round(bare.rps)} | ${bare.p50} ms | ${bare.p99} ms |`);
  console.log(`| EasyPON /api/v1/onus with a valid key | ${Math.round(api.rps)} | ${api.p50} ms | ${api.p99} ms |`);
  console.log(`| EasyPON, a different page each request (no cache hit) | ${Math.round(uncached.rps)} | ${uncached.p50} ms | ${uncached.p99} ms |`);
  const ratio = api.rps / bare.rps;
  console.log(`\nAuthenticated route at ${(ratio * 100).toFixed(0)}% of the bare route's throughput (target: at least 50%): ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
  console.log(`Without the page cache: ${(uncached.rps / bare.rps * 100).toFixed(0)}%; p99 ${uncached.p99} ms against ${bare.p99} ms`);
}
