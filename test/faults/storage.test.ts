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
