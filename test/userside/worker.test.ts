import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { createUserSideRepository } from '../../src/userside/repository.js';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';
import { configureUserSide, userSideSetup } from '../helpers/userside.js';

t.test('the scheduler runs a Synchronization when its interval has passed, and only then', async (t) => {
  let now = new Date('2030-01-10T12:00:00Z');
  const { app, fake, admin } = await userSideSetup(t, { app: { now: () => now } });
  const runs = () => createUserSideRepository(app.db).listRuns(50);

  await app.userSide.tick();
  t.equal(runs().length, 0, 'off: nothing');
  await configureUserSide(admin, fake, { type: 'import' });
  await app.userSide.tick();
  t.equal(runs().length, 0, 'Import runs only on "Import now"');

  await configureUserSide(admin, fake, { type: 'sync', intervalMinutes: '30' });
  await app.userSide.tick();
  t.match(runs(), [{ type: 'sync', trigger: 'schedule', actorName: 'system', status: 'succeeded' }], 'the first sync starts at once');
  now = new Date('2030-01-10T12:29:00Z');
  await app.userSide.tick();
  t.equal(runs().length, 1, 'not due yet');
  now = new Date('2030-01-10T12:30:00Z');
  await app.userSide.tick();
  t.equal(runs().length, 2, 'due after 30 minutes');

  // A failed tick is logged on the run and the scheduler waits for the next interval.
  fake.setOptions({ failAfter: 0 });
  now = new Date('2030-01-10T13:00:00Z');
  await app.userSide.tick();
  t.match(runs()[0], { status: 'failed', error: /HTTP 500/ });
  await app.userSide.tick();
  t.equal(runs().length, 3, 'no retry before the interval');
  fake.setOptions({ failAfter: null });
  now = new Date('2030-01-10T13:30:00Z');
  await app.userSide.tick();
  t.match(runs()[0], { status: 'succeeded' });

  await admin.post('/settings/integration/userside/switch', { enabled: 'off' });
  now = new Date('2030-01-10T15:00:00Z');
  await app.userSide.tick();
  t.equal(runs().length, 4, 'off again: nothing');
});

t.test('with the scheduler on, the interval starts on ready and stops on close', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { app: { userSide: { scheduler: true, tickMs: 5 } } });
  await configureUserSide(admin, fake, { type: 'sync' });
  const repository = createUserSideRepository(app.db);
  while (!repository.lastRun()) await new Promise((resolve) => setTimeout(resolve, 5));
  await app.userSide.idle();
  t.match(repository.lastRun(), { trigger: 'schedule', status: 'succeeded' });
  await app.close();
  t.pass('closes with the interval running');
});

t.test('stopping the server interrupts a run cleanly; the old snapshot stays', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-userside-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await userSideSetup(t, { app: { dataDir } });
  await configureUserSide(first.admin, first.fake);
  const good = await first.app.userSide.runOnce('manual');
  t.ok(good.ok);
  first.fake.setOptions({ latencyMs: 200, customers: 3 });
  t.ok(first.app.userSide.start('manual', { id: 1, name: 'admin' }).ok);
  await first.app.close();

  const second = await buildTestApp(t, { dataDir });
  await second.ready();
  const runs = createUserSideRepository(second.db).listRuns(10);
  t.match(runs[0], { status: 'interrupted', error: 'The server was stopped during the run' });
  t.ok(runs[0]!.finishedAt);
  t.equal(createUserSideRepository(second.db).customersOf(Array.from({ length: 10 }, (_, i) => i + 1)).size, 10, 'the last good snapshot is intact');
});

t.test('a run left running by a crash is marked interrupted at the next start', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-userside-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const crashed = await buildTestApp(t, { dataDir });
  // What a killed process leaves behind: a 'running' row nobody runs.
  createUserSideRepository(crashed.db).createRun({ type: 'sync', trigger: 'schedule', actorName: 'system', startedAt: new Date('2030-01-10T12:00:00Z') });
  await crashed.close();

  const restarted = await buildTestApp(t, { dataDir, now: () => new Date('2030-01-10T12:05:00Z') });
  await restarted.ready();
  t.match(createUserSideRepository(restarted.db).listRuns(1), [{ status: 'interrupted', error: 'The server stopped before the run finished', finishedAt: new Date('2030-01-10T12:05:00Z') }]);
  const admin = await new TestClient(restarted).signIn();
  t.match((await admin.get('/settings/integration')).body, /<td>Interrupted<\/td>/);
});

t.test('the External API lists runs and starts one: 202, then 409 while it runs or when off', async (t) => {
  const { app, fake, admin } = await userSideSetup(t);
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { access: 'write' });

  let refused = await callApi(app, key, 'POST', '/api/v1/userside/runs');
  t.equal(refused.statusCode, 409);
  t.same(refused.json(), { error: { code: 'conflict', message: 'UserSide integration is off' } });
  await admin.post('/settings/integration/userside/switch', { enabled: 'on' });
  refused = await callApi(app, key, 'POST', '/api/v1/userside/runs');
  t.equal(refused.statusCode, 409);
  t.match(refused.json().error.message, 'not configured yet');

  await configureUserSide(admin, fake, { type: 'sync' });
  fake.setOptions({ latencyMs: 30 });
  const accepted = await callApi(app, key, 'POST', '/api/v1/userside/runs');
  t.equal(accepted.statusCode, 202);
  t.match(accepted.json(), { id: 1, type: 'sync', trigger: 'api', status: 'running', finishedAt: null, customersFetched: 0, error: null });
  const busy = await callApi(app, key, 'POST', '/api/v1/userside/runs');
  t.equal(busy.statusCode, 409);
  t.same(busy.json(), { error: { code: 'conflict', message: 'A sync is already running' } });
  await app.userSide.idle();

  const list = (await callApi(app, key, 'GET', '/api/v1/userside/runs')).json();
  t.same(Object.keys(list.items[0]).sort(), ['conflicts', 'customersFetched', 'customersTotal', 'error', 'finishedAt', 'id', 'onusChanged', 'onusLinked', 'onusUnlinked', 'startedAt', 'status', 'trigger', 'type']);
  t.match(list.items[0], { id: 1, status: 'succeeded', customersTotal: 10, customersFetched: 10, onusLinked: 10, onusChanged: 10, onusUnlinked: 0, conflicts: 0, error: null });
  t.match(list.items[0].startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.match((await admin.get('/events?kind=userside.run')).body, 'Started UserSide synchronization #1 (api)');
  t.match(app.db.$client.prepare("select actor_name, ip from events where message like 'Started%'").get(), { actor_name: 'api-key:test key', ip: '127.0.0.1' }, 'who and from where');
});

t.test('a tick that throws is logged and the scheduler carries on at the next one', async (t) => {
  const { Writable } = await import('node:stream');
  const lines: string[] = [];
  const logger = { level: 'error', stream: new Writable({ write(c, _e, done) { lines.push(String(c)); done(); } }) };
  const { app, fake, admin } = await userSideSetup(t, { app: { logger } });
  await configureUserSide(admin, fake, { type: 'sync' });
  app.db.$client.pragma('query_only = ON'); // the run cannot even be created
  await t.resolves(app.userSide.tick(), 'the tick does not throw');
  t.ok(lines.some((l) => l.includes('UserSide scheduler tick failed; trying again at the next one')), 'logged');
  app.db.$client.pragma('query_only = OFF');
  await app.userSide.tick();
  t.match(createUserSideRepository(app.db).listRuns(5), [{ status: 'succeeded', trigger: 'schedule' }], 'the next tick runs');
});
