import t from 'tap';
import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD, buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, logger: { level: 'info', stream } };
}

t.test('first start creates admin with ADMIN_PASSWORD; later starts never touch users', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-first-'));
  const first = await buildTestApp(t, { dataDir, env: { ADMIN_PASSWORD: 'first-password' } });
  await new TestClient(first).signIn('admin', 'first-password');
  await first.close();
  const second = await buildTestApp(t, { dataDir, env: { ADMIN_PASSWORD: 'other-password' } });
  const c = new TestClient(second);
  await c.get('/login');
  t.equal((await c.post('/login', { username: 'admin', password: 'other-password' })).statusCode, 401);
  await c.signIn('admin', 'first-password');
});

t.test('without ADMIN_PASSWORD a generated one is printed once to the log', async (t) => {
  const { lines, logger } = captureLogs();
  const app = await buildTestApp(t, { env: { ADMIN_PASSWORD: '' }, logger });
  const line = lines.find((l) => l.includes('generated password'));
  const password = /generated password: (\S+)/.exec(line ?? '')?.[1];
  t.ok(password, 'the password is in the log');
  await new TestClient(app).signIn('admin', password!);
});

t.test('wrong username or password: one message, username kept, event recorded', async (t) => {
  const app = await buildTestApp(t);
  const c = new TestClient(app);
  await c.get('/login');
  const wrongPassword = await c.post('/login', { username: 'admin', password: 'nope-nope' });
  t.equal(wrongPassword.statusCode, 401);
  t.match(wrongPassword.body, 'Invalid username or password');
  t.match(wrongPassword.body, 'value="admin"');
  const unknown = await c.post('/login', { username: 'ghost', password: 'nope-nope' });
  t.match(unknown.body, 'Invalid username or password');
  const admin = await new TestClient(app).signIn();
  const events = await admin.get('/events?kind=signin.failed');
  t.match(events.body, 'Password sign-in refused (wrong password)');
  t.notMatch(events.body, 'nope-nope');
});

t.test('repeated failures lock out per username and say when to retry', async (t) => {
  const app = await buildTestApp(t);
  const c = new TestClient(app);
  await c.get('/login');
  for (let i = 0; i < 5; i++) await c.post('/login', { username: 'admin', password: 'wrong-' + i });
  const locked = await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD });
  t.equal(locked.statusCode, 429);
  t.match(locked.body, /Too many failed sign-ins. Try again in 15 minutes./);
  t.ok(Number(locked.headers['retry-after']) > 0);
  // Another username from the same IP is not locked yet.
  const other = await c.post('/login', { username: 'someone', password: 'x' });
  t.equal(other.statusCode, 401);
});

t.test('repeated failures lock out per IP across usernames', async (t) => {
  const app = await buildTestApp(t);
  const c = new TestClient(app);
  await c.get('/login');
  for (let i = 0; i < 20; i++) await c.post('/login', { username: `user${i}`, password: 'wrong-password' });
  t.equal((await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD })).statusCode, 429);
});

t.test('sign-in redirects to a local next only; sign out ends the session', async (t) => {
  const app = await buildTestApp(t);
  const c = new TestClient(app);
  const redirect = await c.get('/events');
  t.equal(redirect.headers.location, '/login?next=%2Fevents');
  await c.get('/login?next=/events');
  const ok = await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD, next: '/events' });
  t.equal(ok.headers.location, '/events');
  const evil = new TestClient(app);
  await evil.get('/login');
  const r = await evil.post('/login', { username: 'admin', password: ADMIN_PASSWORD, next: '//evil.example' });
  t.equal(r.headers.location, '/');
  await c.get('/events');
  t.equal((await c.post('/logout')).headers.location, '/login');
  t.equal((await c.get('/')).statusCode, 302);
});

t.test('a form post without a valid CSRF token is refused and changes nothing', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const missing = await c.post('/users', { _csrf: '', username: 'mallory', role: 'admin', password: 'password-123' });
  t.equal(missing.statusCode, 403);
  t.match(missing.body, 'The form expired or did not come from this site');
  const wrong = await c.post('/users', { _csrf: 'forged-token', username: 'mallory', role: 'admin', password: 'password-123' });
  t.equal(wrong.statusCode, 403);
  t.notMatch((await c.get('/users')).body, 'mallory');
  const logout = await c.post('/logout', { _csrf: 'forged' });
  t.equal(logout.statusCode, 403);
});

t.test('operators do not see or reach admin pages', async (t) => {
  const app = await buildTestApp(t);
  const operator = await clientWithRole(app, 'operator');
  const home = await operator.get('/');
  t.equal(home.statusCode, 200);
  for (const label of ['Dashboard', 'ONU', 'OLT', 'Event logs']) t.match(home.body, `>${label}</a>`);
  t.notMatch(home.body, '>Integration</a>');
  t.notMatch(home.body, '>Users</a>');
  for (const url of ['/settings/integration', '/users']) {
    const r = await operator.get(url);
    t.equal(r.statusCode, 403, url);
    t.match(r.body, 'administrators only');
  }
  t.equal((await operator.post('/settings/integration/apikeys/switch', { enabled: 'on' })).statusCode, 403);
  t.equal((await operator.post('/users', { username: 'x', role: 'admin', password: 'password-123' })).statusCode, 403);
});

t.test('cookies: HttpOnly and SameSite=Lax; Secure only with an https PUBLIC_URL', async (t) => {
  const http = await buildTestApp(t);
  const plain = (await http.inject({ url: '/login' })).headers['set-cookie'] as string;
  t.match(plain, /HttpOnly/);
  t.match(plain, /SameSite=Lax/);
  t.notMatch(plain, /Secure/);
  const https = await buildTestApp(t, { env: { PUBLIC_URL: 'https://pon.example.net' } });
  t.match((await https.inject({ url: '/login' })).headers['set-cookie'] as string, /Secure/);
});

t.test('parallel guesses cannot slip past the limit while passwords are checked', async (t) => {
  const app = await buildTestApp(t);
  const c = new TestClient(app);
  await c.get('/login');
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => c.post('/login', { username: 'admin', password: 'wrong-' + i })));
  const codes = answers.map((r) => r.statusCode);
  t.equal(codes.filter((s) => s === 401).length, 5, 'five checked');
  t.equal(codes.filter((s) => s === 429).length, 7, 'the rest refused at once');
});

t.test('a successful sign-in takes back its own count on the IP', async (t) => {
  const app = await buildTestApp(t);
  for (let i = 0; i < 25; i++) {
    const c = new TestClient(app);
    await c.get('/login');
    t.equal((await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD })).statusCode, 302);
  }
});

t.test('a session idle for more than 12 hours ends; activity keeps it alive', async (t) => {
  let now = new Date('2030-03-01T08:00:00Z');
  const app = await buildTestApp(t, { now: () => now });
  const c = await new TestClient(app).signIn();
  now = new Date('2030-03-01T19:00:00Z');
  t.equal((await c.get('/')).statusCode, 200, '11 h later: still signed in, and seen again');
  now = new Date('2030-03-02T06:59:00Z');
  t.equal((await c.get('/')).statusCode, 200, '12 h after the last request, less a minute');
  now = new Date('2030-03-02T19:00:00Z');
  const expired = await c.get('/');
  t.equal(expired.statusCode, 302);
  t.match(expired.headers.location, /^\/login/);
});

t.test('after the idle expiry the sign-in form works at the first try', async (t) => {
  let now = new Date('2030-03-01T08:00:00Z');
  const app = await buildTestApp(t, { now: () => now });
  const c = await new TestClient(app).signIn();
  now = new Date('2030-03-02T08:00:00Z');
  await c.get('/login');
  t.equal((await c.post('/login', { username: 'admin', password: ADMIN_PASSWORD })).statusCode, 302);
});
