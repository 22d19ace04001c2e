// The CSV import at ISP scale: 200,000 lines uploaded over loopback HTTP, the
// time to an answer and the process's peak memory. Run: npx tsx bench/inventory-import.ts
import { createWriteStream, openAsBlob, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInventoryRepository } from '../src/inventory/repository.js';
import { benchMac, benchSn, mb, startBenchApp } from './bench-app.js';

const LINES = Number(process.env.LINES ?? 200_000);
const OLTS = 20;

async function writeCsv(file: string, badLine?: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('olt,shelf,slot,port,number,name,mac,sn,description\n');
  for (let i = 1; i <= LINES; i++) {
    const k = Math.floor((i - 1) / OLTS);
    const mac = i === badLine ? 'not-a-mac' : benchMac(i);
    const line = `OLT-${(i - 1) % OLTS + 1},0,${Math.floor(k / 2048)},${Math.floor(k / 128) % 16},${k % 128},Subscriber ${i},${mac},${benchSn(i)},"Street ${i % 500}, flat ${i % 97}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function upload(baseUrl: string, cookie: string, csrfToken: string, file: string) {
  const form = new FormData();
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const started = performance.now();
  const response = await fetch(`${baseUrl}/onus/import?_csrf=${encodeURIComponent(csrfToken)}`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  await response.arrayBuffer();
  return { status: response.status, seconds: (performance.now() - started) / 1000 };
}

const bench = await startBenchApp();
try {
  const inventory = createInventoryRepository(bench.app.db);
  for (let i = 1; i <= OLTS; i++) inventory.createOlt({ name: `OLT-${i}`, model: 'ZTE C320', host: '', description: '' });
  const good = path.join(bench.dataDir, 'onus.csv');
  const bad = path.join(bench.dataDir, 'onus-bad.csv');
  await writeCsv(good);
  await writeCsv(bad, LINES);

  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  global.gc?.();
  const before = process.memoryUsage.rss();
  peak = before;

  const refused = await upload(bench.baseUrl, bench.cookie, bench.csrfToken, bad);
  const afterRefused = inventory.countOnus();
  const peakRefused = peak;
  const imported = await upload(bench.baseUrl, bench.cookie, bench.csrfToken, good);
  clearInterval(sampler);

  console.log(`file: ${LINES} lines, ${mb(statSync(good).size)}`);
  console.log(`refused import (last line bad): HTTP ${refused.status} in ${refused.seconds.toFixed(2)} s, ONUs written: ${afterRefused}`);
  console.log(`import: HTTP ${imported.status} in ${imported.seconds.toFixed(2)} s, ONUs in the database: ${inventory.countOnus()}`);
  console.log(`RSS before: ${mb(before)}, peak during the refused import: ${mb(peakRefused)}, peak overall: ${mb(peak)} (maxRSS ${mb(process.resourceUsage().maxRSS * 1024)})`);
} finally {
  await bench.close();
}
