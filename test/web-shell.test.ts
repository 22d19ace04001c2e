import t from 'tap';
import { Writable } from 'node:stream';
import { buildTestApp, TestClient } from './helpers/app.js';

t.test('security headers: a CSP without inline script, and the usual helmet set', async (t) => {
  const app = await buildTestApp(t);
  const r = await app.inject({ url: '/login' });
  const csp = String(r.headers['content-security-policy']);
  t.match(csp, "script-src 'self'");
  t.notMatch(csp, 'unsafe-inline');
  t.notMatch(csp, 'unsafe-eval');
  t.match(csp, "frame-ancestors 'none'");
  t.equal(r.headers['x-content-type-options'], 'nosniff');
  t.ok(r.headers['x-frame-options']);
  t.notOk(r.headers['strict-transport-security'], 'no HSTS on plain http');
  const https = await buildTestApp(t, { env: { PUBLIC_URL: 'https://pon.example.net' } });
  t.ok((await https.inject({ url: '/login' })).headers['strict-transport-security']);
});

t.test('htmx, Pico and our assets are served', async (t) => {
  const app = await buildTestApp(t);
  const htmx = await app.inject({ url: '/vendor/htmx/htmx.min.js' });
  t.equal(htmx.statusCode, 200);
  t.match(htmx.body, 'htmx');
  t.equal((await app.inject({ url: '/vendor/pico/pico.classless.min.css' })).statusCode, 200);
  t.equal((await app.inject({ url: '/assets/app.css' })).statusCode, 200);
  t.equal((await app.inject({ url: '/assets/app.js' })).statusCode, 200);
  t.equal((await app.inject({ url: '/vendor/htmx/package.json' })).statusCode, 404);
});

t.test('healthz answers 200 with the database, 503 without', async (t) => {
  const app = await buildTestApp(t);
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  app.db.$client.close();
  const down = await app.inject({ url: '/healthz' });
  t.equal(down.statusCode, 503);
  // The teardown closes the app; the database is closed already.
  app.db.$client.close = () => app.db.$client;
});

t.test('404 and 500 pages; JSON for /api/; a 500 shows a reference, never internals', async (t) => {
  const lines: string[] = [];
  const app = await buildTestApp(t, { logger: { level: 'error', stream: new Writable({ write(c, _e, done) { lines.push(String(c)); done(); } }) } });
  app.get('/boom', async () => { throw new Error('secret internals: SELECT * FROM users'); });
  const c = await new TestClient(app).signIn();
  const missing = await c.get('/no/such/page');
  t.equal(missing.statusCode, 404);
  t.match(missing.body, 'Page not found');
  const api = await app.inject({ url: '/api/v1/nothing' });
  t.equal(api.statusCode, 404);
  t.same(api.json(), { error: { code: 'not_found', message: 'Not found' } });
  const boom = await c.get('/boom');
  t.equal(boom.statusCode, 500);
  t.notMatch(boom.body, 'secret internals');
  const ref = /Reference: ([\w-]+)/.exec(boom.body)?.[1];
  t.ok(ref, 'a reference id is shown');
  t.ok(lines.some((l) => l.includes(ref!) && l.includes('secret internals')), 'the log has the details under that reference');
});

t.test('the event log filters by kind and user and paginates', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  for (let i = 0; i < 55; i++) await app.inject({ method: 'POST', url: '/login', payload: {} });
  await admin.get('/users');
  await admin.post('/users', { username: 'eve', role: 'operator', password: 'password-123' });
  const byKind = await admin.get('/events?kind=user.created');
  t.match(byKind.body, 'Created user &quot;eve&quot;');
  t.notMatch(byKind.body, 'Signed in with password');
  const byUser = await admin.get('/events?user=system');
  t.match(byUser.body, 'Created the first administrator');
  t.notMatch(byUser.body, 'Created user &quot;eve');
  await new TestClient(app).signIn();
  for (let i = 0; i < 55; i++) await new TestClient(app).signIn();
  const first = await admin.get('/events?kind=signin');
  const next = /href="\/events\?([^"]+)">Older events/.exec(first.body)?.[1];
  t.ok(next, 'a link to older events');
  const second = await admin.get('/events?' + next!.replace(/&amp;/g, '&'));
  t.equal(second.statusCode, 200);
  t.match(second.body, 'Signed in with password');
  t.equal((await admin.get('/events?kind[]=x&before=abc')).statusCode, 200);
});
