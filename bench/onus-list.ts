// The ONU list at ISP scale: 200,000 ONUs, /onus with and without a search,
// requests per second with autocannon over loopback. Run: npx tsx bench/onus-list.ts
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { benchSn, seedBenchOnus, startBenchApp } from './bench-app.js';

const ONUS = Number(process.env.ONUS ?? 200_000);
const OLTS = 20;
const DURATION = Number(process.env.DURATION ?? 5);

interface Served {
  baseUrl: string;
  cookie: string;
  oltIds: number[];
}

// The app runs in a child process so autocannon does not share its event loop.
if (process.argv.includes('--serve')) {
  const bench = await startBenchApp();
  const oltIds = seedBenchOnus(bench.app, ONUS, OLTS);
  process.send!({ baseUrl: bench.baseUrl, cookie: bench.cookie, oltIds } satisfies Served);
  process.once('disconnect', () => void bench.close().then(() => process.exit(0)));
} else {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], env: { ...process.env } });
  const [served] = (await once(child, 'message')) as [Served];
  try {
    await measure(served);
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
}

async function measure({ baseUrl, cookie, oltIds }: Served) {
  const scenarios: [string, string, Record<string, string>?][] = [
    ['first page, no search', '/onus'],
    ['page 4,000 (keyset cursor)', `/onus?after=${ONUS - 50}`],
    ['partial MAC "c6:e9" (a few hits: the whole table is scanned)', '/onus?search=c6%3Ae9'],
    ['htmx live-search fragment "c6:e9"', '/onus?search=c6%3Ae9', { 'hx-request': 'true' }],
    ['name "Subscriber 1999" (a few hits)', '/onus?search=Subscriber%201999'],
    ['serial number, whole', `/onus?search=${benchSn(123456)}`],
    ['"Subscriber 1" (many hits: stops at the first 51)', '/onus?search=Subscriber%201'],
    ['OLT filter + search', `/onus?olt=${oltIds[3]}&search=Subscriber%2012`],
  ];
  console.log(`${ONUS} ONUs on ${OLTS} OLTs; ${DURATION} s per scenario, 10 connections, app in its own process`);
  console.log('| Scenario | Requests/s | Latency p50 | p99 |');
  console.log('|---|---:|---:|---:|');
  for (const [name, path, extra] of scenarios) {
    const headers = { cookie, ...extra };
    const check = await fetch(baseUrl + path, { headers });
    if (check.status !== 200) throw new Error(`${path}: HTTP ${check.status}`);
    await check.text();
    const result = await autocannon({ url: baseUrl + path, connections: 10, duration: DURATION, headers });
    if (result.non2xx) throw new Error(`${path}: ${result.non2xx} answers were not 2xx`);
    console.log(`| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} ms | ${result.latency.p99} ms |`);
  }
}
