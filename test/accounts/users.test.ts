import t from 'tap';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';

t.test('admin creates a user; a bad form keeps what was typed and marks each field', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  const page = await admin.get('/users');
  for (const label of ['Username', 'Display name', 'Email', 'Role', 'Admin', 'Operator', 'Password', 'Create user']) t.match(page.body, label);
  const bad = await admin.post('/users', { username: 'a b', displayName: 'Ann <b>', email: 'not-an-email', role: 'boss', password: 'short' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, 'Use 2 to 64 letters');
  t.match(bad.body, 'Enter an email address like ops@example.com');
  t.match(bad.body, 'Choose Admin or Operator');
  t.match(bad.body, 'Use at least 8 characters');
  t.match(bad.body, 'value="Ann &lt;b&gt;"', 'typed values kept, escaped');
  t.match(bad.body, 'value="not-an-email"');
  t.notMatch(bad.body, 'value="short"', 'the password is not sent back');
  const taken = await admin.post('/users', { username: 'ADMIN', role: 'operator', password: 'password-123' });
  t.match(taken.body, 'This username is taken');
  const ok = await admin.post('/users', { username: 'ann', displayName: 'Ann', email: 'ann@example.com', role: 'operator', password: 'password-123' });
  t.equal(ok.statusCode, 302);
  const list = await admin.get('/users');
  t.match(list.body, 'User &quot;ann&quot; created.');
  t.match(list.body, 'ann@example.com');
  await new TestClient(app).signIn('ann', 'password-123');
  t.match((await admin.get('/events?kind=user.created')).body, 'Created user &quot;ann&quot; (operator)');
});

t.test('arrays and junk for scalar fields never give a 500', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  const r = await admin.post('/users', { username: ['x', 'y'], role: ['admin', 'operator'], password: ['a'], __proto__: 'x' } as never);
  t.equal(r.statusCode, 400);
  t.equal((await admin.post('/users/abc/deactivate')).statusCode, 404);
  t.equal((await admin.post('/users/999/reactivate')).statusCode, 404);
});

t.test('deactivating a user ends its session at once and refuses its sign-in', async (t) => {
  const app = await buildTestApp(t);
  const operator = await clientWithRole(app, 'operator', 'olga');
  t.equal((await operator.get('/onus')).statusCode === 302, false);
  const admin = await new TestClient(app).signIn();
  await admin.get('/users');
  const olga = app.db.$client.prepare("select id from users where username = 'olga'").get() as { id: number };
  t.equal((await admin.post(`/users/${olga.id}/deactivate`)).statusCode, 302);
  const after = await operator.get('/events');
  t.equal(after.statusCode, 302);
  t.equal(after.headers.location, '/login?next=%2Fevents');
  const again = new TestClient(app);
  await again.get('/login');
  const refused = await again.post('/login', { username: 'olga', password: 'password-123' });
  t.equal(refused.statusCode, 401);
  t.match(refused.body, 'This account is deactivated');
  await admin.get('/users');
  await admin.post(`/users/${olga.id}/reactivate`);
  await new TestClient(app).signIn('olga', 'password-123');
});

t.test('resetting a password ends the existing sessions; the new password works', async (t) => {
  const app = await buildTestApp(t);
  const operator = await clientWithRole(app, 'operator', 'otto');
  const admin = await new TestClient(app).signIn();
  await admin.get('/users');
  const otto = app.db.$client.prepare("select id from users where username = 'otto'").get() as { id: number };
  const short = await admin.post(`/users/${otto.id}/password`, { password: 'abc' });
  t.equal(short.statusCode, 400);
  t.match(short.body, 'Use at least 8 characters');
  await admin.post(`/users/${otto.id}/password`, { password: 'brand-new-pass' });
  t.equal((await operator.get('/')).statusCode, 302);
  await new TestClient(app).signIn('otto', 'brand-new-pass');
  t.notMatch((await admin.get('/events')).body, 'brand-new-pass');
});

t.test('there is always at least one active admin', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await admin.get('/users');
  const self = await admin.post('/users/1/deactivate');
  t.equal(self.statusCode, 302);
  t.match((await admin.get('/users')).body, 'There must always be at least one active admin.');
  await admin.post('/users/1/role', { role: 'operator' });
  t.match((await admin.get('/users')).body, 'There must always be at least one active admin.');
  // With a second admin, the first may be demoted.
  await admin.post('/users', { username: 'second', role: 'admin', password: 'password-123' });
  await admin.get('/users');
  t.equal((await admin.post('/users/1/role', { role: 'operator' })).statusCode, 302);
  t.equal((await admin.get('/users')).statusCode, 403, 'a demoted admin loses admin pages at once');
});

t.test('a double-submitted "Create user" creates one user and answers the other with a message', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await admin.get('/users');
  const form = { username: 'twice', displayName: 'Twice', email: '', role: 'operator', password: 'password-123' };
  const [a, b] = await Promise.all([admin.post('/users', form), admin.post('/users', form)]);
  t.same([a.statusCode, b.statusCode].sort(), [302, 400]);
  t.match((a.statusCode === 400 ? a : b).body, 'twice');
  t.equal(app.db.$client.prepare("select count(*) as n from users where username = 'twice'").pluck().get(), 1);
});
