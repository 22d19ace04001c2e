import t from 'tap';
import { Writable } from 'node:stream';
import { buildTestApp, TestClient } from '../helpers/app.js';

t.test('a database that cannot be written: a clear page and log line, nothing half-written, reads still work', async (t) => {
  const lines: string[] = [];
  const app = await buildTestApp(t, { logger: { level: 'error', stream: new Writable({ write(c, _e, done) { lines.push(String(c)); done(); } }) } });
  const admin = await new TestClient(app).signIn();
  await admin.get('/users');
  const usersBefore = app.db.$client.prepare('select count(*) n from users').get();
  // What a read-only file or a full disk look like to SQLite: every write refused.
  app.db.$client.pragma('query_only = ON');

  const refused = await admin.post('/users', { username: 'newbie', role: 'operator', password: 'password-123' });
  t.equal(refused.statusCode, 503);
  t.match(refused.body, 'The database cannot be written right now (disk full or read-only), so nothing was saved.');
  t.ok(lines.some((l) => l.includes('database cannot be written')), 'logged');
  t.same(app.db.$client.prepare('select count(*) n from users').get(), usersBefore, 'no partial write');

  const read = await admin.get('/users');
  t.equal(read.statusCode, 200, 'the app keeps serving reads');
  t.equal((await admin.get('/events')).statusCode, 200);

  app.db.$client.pragma('query_only = OFF');
  await admin.get('/users');
  t.equal((await admin.post('/users', { username: 'newbie', role: 'operator', password: 'password-123' })).statusCode, 302, 'works again once writable');
});

t.test('a full disk (SQLITE_FULL): an import and a UserSide run write nothing, then work once there is room', async (t) => {
  const { userSideSetup, configureUserSide } = await import('../helpers/userside.js');
  const { uploadCsv } = await import('../helpers/inventory.js');
  const { app, fake, admin } = await userSideSetup(t, { onus: 200, fake: { customers: 200 } });
  await configureUserSide(admin, fake);
  const good = await app.userSide.runOnce('manual');
  t.match(good, { ok: true, run: { status: 'succeeded', onusLinked: 200 } });
  const count = (table: string) => app.db.$client.prepare(`select count(*) from ${table}`).pluck().get();
  const snapshot = app.db.$client.prepare('select * from userside_customers order by onu_id').all();

  // The database may not grow by a single page (and has no free ones): what a full disk looks like to SQLite.
  app.db.$client.exec('vacuum');
  const pages = app.db.$client.pragma('page_count', { simple: true }) as number;
  app.db.$client.pragma(`max_page_count = ${pages}`);
  const lines = ['olt,shelf,slot,port,number,name,mac'];
  for (let i = 1; i <= 2000; i++) lines.push(`OLT-Central,9,1,${1 + Math.floor(i / 100)},${1 + (i % 100)},Full ${i},0a:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`);
  await admin.get('/onus/import');
  const refused = await uploadCsv(admin, lines.join('\n'));
  t.equal(refused.statusCode, 503);
  t.match(refused.body, 'disk full or read-only');
  t.equal(count('onus'), 200, 'no ONU of the file was written');

  fake.setOptions({ customers: 150 });
  const failed = await app.userSide.runOnce('manual');
  t.match(failed, { ok: true, run: { status: 'failed', error: 'The database cannot be written (disk full or read-only): the stored customer data was kept' } }, 'the run fails, saying why');
  t.same(app.db.$client.prepare('select * from userside_customers order by onu_id').all(), snapshot, 'the last good snapshot is intact');

  app.db.$client.pragma('max_page_count = 1073741823');
  await admin.get('/onus/import');
  t.equal((await uploadCsv(admin, lines.join('\n'))).statusCode, 302, 'the import goes in once there is room');
  t.equal(count('onus'), 2200);
});

t.test('the database turning read-only in the middle of a run: the process carries on, the next run recovers', async (t) => {
  const { userSideSetup, configureUserSide } = await import('../helpers/userside.js');
  const lines: string[] = [];
  const { app, fake, admin } = await userSideSetup(t, {
    onus: 30,
    fake: { customers: 30 },
    app: {
      userSide: { client: { batchSize: 5, concurrency: 1 } },
      logger: { level: 'error', stream: new Writable({ write(c, _e, done) { lines.push(String(c)); done(); } }) },
    },
  });
  await configureUserSide(admin, fake);
  t.match(await app.userSide.runOnce('manual'), { ok: true, run: { status: 'succeeded' } });
  const snapshot = app.db.$client.prepare('select * from userside_customers order by onu_id').all();

  fake.setOptions({ latencyMs: 20, customers: 20 });
  const started = app.userSide.start('manual', { id: 1, name: 'admin' });
  t.ok(started.ok);
  while (fake.requests < 8) await new Promise((resolve) => setTimeout(resolve, 5));
  app.db.$client.pragma('query_only = ON');
  await app.userSide.idle();
  t.ok(lines.some((l) => l.includes('could not record the end of a run')), 'logged, not thrown');
  t.equal(app.db.$client.prepare("select status from userside_runs order by id desc limit 1").pluck().get(), 'running', 'its end could not be written');
  t.same(app.db.$client.prepare('select * from userside_customers order by onu_id').all(), snapshot, 'the stored data is intact');

  app.db.$client.pragma('query_only = OFF');
  fake.setOptions({ latencyMs: 0 });
  const next = await app.userSide.runOnce('manual');
  t.match(next, { ok: true, run: { status: 'succeeded', onusLinked: 20 } }, 'the next run works');
  t.same(app.db.$client.prepare('select id, status from userside_runs order by id').all(), [
    { id: 1, status: 'succeeded' }, { id: 2, status: 'interrupted' }, { id: 3, status: 'succeeded' },
  ], 'and the stale one is marked interrupted');
});
