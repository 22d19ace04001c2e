// Crashes: the real server (src/server.ts) killed with SIGKILL at random
// moments during a UserSide sync and during a CSV import, then restarted. After
// each kill: PRAGMA integrity_check is ok, the customer snapshot is the last
// good one or the new one whole (never a mix), the inventory is the old one or
// has the whole file, and the restart marks the killed run interrupted.
// Run: npm run bench:faults   (KILLS=10 ONUS=20000)
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoInventory } from '../scripts/seed-demo.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { UserSideSettings } from '../src/userside/settings.js';
import { FAKE_SN_FIELD_ID, startFakeUserSide } from '../test/fakes/userside.js';

const ONUS = Number(process.env.ONUS ?? 20_000);
const KILLS = Number(process.env.KILLS ?? 10);
const IMPORT_LINES = 150_000;
const PASSWORD = 'faults-password-1';
const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-faults-'));
const dbFile = path.join(dataDir, 'easypon.db');

/** A signed-in browser session over fetch: cookies kept, the page's CSRF token reused. */
class Session {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly baseUrl: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.baseUrl + url, { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...init.headers as Record<string, string> } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!, value.join('='));
    }
    return response;
  }

  async page(url: string): Promise<string> {
    const html = await (await this.request(url)).text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
    return html;
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString() });
  }
}

async function startServer(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  return { child, baseUrl };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

function state() {
  const db = new Database(dbFile, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      linked: db.prepare('select count(*) from userside_customers').pluck().get() as number,
      onus: db.prepare('select count(*) from onus').pluck().get() as number,
      runs: db.prepare('select status, count(*) as n from userside_runs group by status').all() as { status: string; n: number }[],
      lastRun: db.prepare('select id, status, error from userside_runs order by id desc limit 1').get() as { id: number; status: string; error: string | null } | undefined,
    };
  } finally {
    db.close();
  }
}

function importCsv(round: number): Blob {
  const lines = ['olt,shelf,slot,port,number,name,mac,sn'];
  for (let i = 0; i < IMPORT_LINES; i++) {
    const mac = `0a:${round.toString(16).padStart(2, '0')}:${(i >> 16 & 255).toString(16).padStart(2, '0')}:${(i >> 8 & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`;
    lines.push(`OLT-Central,${10 + round},${1 + Math.floor(i / 4096)},${1 + (Math.floor(i / 64) % 64)},${1 + (i % 64)},Imported ${round}-${i},${mac},`);
  }
  return new Blob([lines.join('\n')], { type: 'text/csv' });
}

const fake = await startFakeUserSide({ customers: ONUS, latencyMs: 40 });
try {
  // The last good state: the inventory, one finished import, the settings saved.
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' }), { userSide: { client: { batchSize: 50, concurrency: 2 } } });
  seedDemoInventory(app.db, ONUS);
  const settings: UserSideSettings = { type: 'import', intervalMinutes: 60, apiUrl: fake.url, fields: ['userName', 'login'], snFieldId: FAKE_SN_FIELD_ID };
  app.integrations.save('userside', settings, fake.apiKey);
  app.integrations.setEnabled('userside', true);
  const good = await app.userSide.runOnce('manual');
  if (!good.ok || good.run.status !== 'succeeded') throw new Error('the first import failed');
  await app.close();

  const rows: string[] = [];
  let failures = 0;
  let expectedOnus = state().onus;
  let expectedLinked = state().linked;
  for (let round = 1; round <= KILLS; round++) {
    const during = round % 2 === 1 ? 'sync' : 'import';
    const { child, baseUrl } = await startServer();
    const session = new Session(baseUrl);
    await session.page('/login');
    await session.post('/login', { username: 'admin', password: PASSWORD });
    let started: number;
    if (during === 'sync') {
      // Each sync round the base shrinks: a finished run leaves a row count of its own, so old and new are told apart.
      fake.setOptions({ customers: ONUS - 500 * round });
      await session.page('/settings/integration');
      const answer = await session.post('/settings/integration/userside/run', {});
      if (answer.status !== 302) throw new Error(`run not started: ${answer.status}`);
      started = performance.now();
    } else {
      await session.page('/onus/import');
      const form = new FormData();
      form.append('file', importCsv(round), `round-${round}.csv`);
      started = performance.now();
      void session.request(`/onus/import?_csrf=${encodeURIComponent(session.csrf)}`, { method: 'POST', body: form }).catch(() => {});
    }
    // Ranges about the length of a whole run and a whole import: some are killed early, some late, some finish.
    const delay = Math.round(50 + Math.random() * (during === 'sync' ? 10_000 : 6000));
    await new Promise((resolve) => setTimeout(resolve, delay - (performance.now() - started)));
    await kill(child);
    const afterKill = state();

    // The restart marks what the kill left running.
    const restarted = await startServer();
    const afterRestart = state();
    await kill(restarted.child);

    const killedRunStatus = during === 'sync' ? afterRestart.lastRun?.status ?? '-' : '-';
    if (during === 'sync' && killedRunStatus === 'succeeded') expectedLinked = ONUS - 500 * round;
    if (during === 'import' && afterKill.onus === expectedOnus + IMPORT_LINES) expectedOnus = afterKill.onus;
    const problems = [
      afterKill.integrity !== 'ok' && `integrity_check: ${afterKill.integrity}`,
      afterKill.linked !== expectedLinked && `snapshot has ${afterKill.linked} rows, expected ${expectedLinked}`,
      afterKill.onus !== expectedOnus && `inventory has ${afterKill.onus} ONUs, expected ${expectedOnus}`,
      afterRestart.runs.some((r) => r.status === 'running') && 'a run is still marked running after the restart',
      during === 'sync' && !['interrupted', 'succeeded'].includes(killedRunStatus) && `the killed run is ${killedRunStatus}`,
    ].filter(Boolean);
    if (problems.length) failures++;
    rows.push(`| ${round} | ${during} | ${delay} ms | ${afterKill.integrity} | ${afterKill.linked} | ${afterKill.onus} | ${killedRunStatus} | ${problems.join('; ') || 'ok'} |`);
  }

  console.log(`${ONUS} ONUs linked to ${ONUS} customers; each round starts src/server.ts, starts a sync (odd rounds) or uploads a ${IMPORT_LINES}-line CSV (even rounds), SIGKILLs it after a random delay, checks the files, restarts it`);
  console.log('| Round | Killed during | After | integrity_check | Snapshot rows | ONUs | Killed run after restart | Verdict |');
  console.log('|---:|---|---:|---|---:|---:|---|---|');
  for (const row of rows) console.log(row);
  console.log(`\n${KILLS - failures} of ${KILLS} rounds kept the database whole and consistent`);
  if (failures) process.exitCode = 1;
} finally {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
}
