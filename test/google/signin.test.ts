import t, { type Test } from 'tap';
import { createUserRepository } from '../../src/accounts/repository.js';
import { events } from '../../src/db/schema.js';
import { startFakeOidcProvider, type FakeOidcProvider } from '../fakes/oidc-provider.js';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { buildGoogleTestApp, roundTripThroughProvider, turnOnGoogle } from '../helpers/google.js';
import type { FastifyInstance } from 'fastify';

async function googleApp(t: Test, provider: FakeOidcProvider, domains?: string[]) {
  const app = await buildGoogleTestApp(t, provider);
  const admin = await new TestClient(app).signIn();
  await turnOnGoogle(admin, provider, domains);
  return { app, admin };
}

/** A fresh browser: /login, "Sign in with Google", the provider, the callback. */
async function signInWithGoogle(app: FastifyInstance, provider: FakeOidcProvider) {
  const client = new TestClient(app);
  await client.get('/login');
  const { response } = await roundTripThroughProvider(client, provider, () => client.get('/auth/google'));
  return { client, response };
}

/** Follows a refusal to /login and returns the reason shown there. */
async function refusalShown(client: TestClient, response: { statusCode: number; headers: Record<string, unknown> }) {
  if (response.statusCode !== 302 || response.headers.location !== '/login') throw new Error(`not a refusal: ${response.statusCode} ${String(response.headers.location)}`);
  const login = await client.get('/login');
  return /<p class="flash flash-error" role="alert">([^<]*)<\/p>/.exec(login.body)?.[1];
}

function lastEvent(app: FastifyInstance) {
  const all = app.db.select().from(events).all();
  return all[all.length - 1]!;
}

t.test('Google sign-in', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());
  t.afterEach(() => {
    provider.setIdentity({});
    provider.setTokenOptions({});
    provider.setNextError(null);
  });

  t.test('the first sign-in from an allowed domain creates an operator bound to the sub', async (t) => {
    const { app } = await googleApp(t, provider);
    const login = await new TestClient(app).get('/login');
    t.match(login.body, '<a href="/auth/google" role="button" class="secondary google">Sign in with Google</a>');

    const client = new TestClient(app);
    const started = await client.get('/auth/google');
    t.equal(started.statusCode, 302);
    const authUrl = new URL(String(started.headers.location));
    t.equal(authUrl.origin, provider.issuer);
    t.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
    t.equal(authUrl.searchParams.get('hd'), 'example.com');
    t.equal(authUrl.searchParams.get('prompt'), 'select_account');
    t.equal(authUrl.searchParams.get('redirect_uri'), 'https://easypon.test/auth/google/callback');
    t.ok(authUrl.searchParams.get('state') && authUrl.searchParams.get('nonce'));

    const callback = new URL(await provider.authorize(authUrl.href));
    const done = await client.get(callback.pathname + callback.search);
    t.equal(done.statusCode, 302);
    t.equal(done.headers.location, '/');
    const home = await client.get('/');
    t.equal(home.statusCode, 200);
    t.match(home.body, 'Ops Person (operator)');

    const user = createUserRepository(app.db).findByGoogleSub('1001')!;
    t.match(user, { username: 'ops', email: 'ops@example.com', role: 'operator', displayName: 'Ops Person', passwordHash: null, active: true });
    t.equal(lastEvent(app).kind, 'signin');
    t.match(lastEvent(app).message, 'Signed in with Google (ops@example.com)');

    // The second time, the same account.
    const again = await signInWithGoogle(app, provider);
    t.equal(again.response.headers.location, '/');
    t.equal(createUserRepository(app.db).count(), 2);
  });

  t.test('an existing user with that email is bound; a taken username gets a suffix', async (t) => {
    const { app } = await googleApp(t, provider);
    const users = createUserRepository(app.db);
    users.create({ username: 'ops', displayName: 'Someone else', email: 'other@example.net', role: 'operator', passwordHash: null });
    const boss = users.create({ username: 'boss', displayName: 'Boss', email: 'Boss@Example.com', role: 'admin', passwordHash: null });

    provider.setIdentity({ sub: '2002', email: 'boss@example.com', name: 'The Boss' });
    const bound = await signInWithGoogle(app, provider);
    t.equal(bound.response.headers.location, '/');
    t.equal(users.findById(boss.id)!.googleSub, '2002');
    t.match((await bound.client.get('/')).body, 'Boss (admin)');

    provider.setIdentity({ sub: '3003', email: 'ops@example.com' });
    const created = await signInWithGoogle(app, provider);
    t.equal(created.response.headers.location, '/');
    t.equal(users.findByGoogleSub('3003')!.username, 'ops-2');
  });

  const refusals: { name: string; arrange: () => void; reason: string | RegExp }[] = [
    { name: 'another domain', arrange: () => provider.setIdentity({ hd: 'example.org', email: 'ops@example.org' }), reason: 'Google accounts from example.org are not allowed' },
    { name: 'no hd (not Workspace)', arrange: () => provider.setIdentity({ hd: undefined, email: 'ops@gmail.com' }), reason: 'Only Google Workspace accounts of an allowed domain can sign in' },
    { name: 'an unverified email', arrange: () => provider.setIdentity({ email_verified: false }), reason: 'This Google account has no verified email address' },
    { name: 'an email outside hd', arrange: () => provider.setIdentity({ email: 'ops@elsewhere.net' }), reason: 'The email address ops@elsewhere.net is not in the Google Workspace domain example.com' },
    { name: 'a wrong nonce', arrange: () => provider.setTokenOptions({ nonceOverride: 'not-the-nonce' }), reason: /ID token was not issued for this sign-in|could not be verified/ },
    { name: 'an expired token', arrange: () => provider.setTokenOptions({ expiresInSec: -600 }), reason: /expired/ },
    { name: 'a bad signature', arrange: () => provider.setTokenOptions({ badSignature: true }), reason: /could not be verified/ },
    { name: 'a provider error', arrange: () => provider.setNextError('access_denied'), reason: 'Google sign-in was cancelled' },
  ];
  for (const refusal of refusals) {
    t.test(`refused: ${refusal.name}`, async (t) => {
      const { app } = await googleApp(t, provider);
      const usersBefore = createUserRepository(app.db).count();
      refusal.arrange();
      const { client, response } = await signInWithGoogle(app, provider);
      t.match(await refusalShown(client, response), refusal.reason);
      t.equal((await client.get('/')).statusCode, 302, 'not signed in');
      t.equal(createUserRepository(app.db).count(), usersBefore, 'no account created');
      t.equal(lastEvent(app).kind, 'signin.failed');
      t.match(lastEvent(app).message, 'Google sign-in refused:');
    });
  }

  t.test('a deactivated user is refused', async (t) => {
    const { app } = await googleApp(t, provider);
    const users = createUserRepository(app.db);
    const user = users.create({ username: 'gone', displayName: '', email: 'ops@example.com', role: 'operator', passwordHash: null, googleSub: '1001' });
    users.update(user.id, { active: false });
    const { client, response } = await signInWithGoogle(app, provider);
    t.equal(await refusalShown(client, response), 'This account is deactivated');
    t.match(lastEvent(app), { kind: 'signin.failed', actorName: 'gone' });
  });

  t.test('a deactivated user found by email is refused and stays unbound', async (t) => {
    const { app } = await googleApp(t, provider);
    const users = createUserRepository(app.db);
    const user = users.create({ username: 'gone', displayName: '', email: 'ops@example.com', role: 'operator', passwordHash: null });
    users.update(user.id, { active: false });
    const { client, response } = await signInWithGoogle(app, provider);
    t.equal(await refusalShown(client, response), 'This account is deactivated');
    t.equal(users.findById(user.id)!.googleSub, null, 'not bound as a side effect');
  });

  t.test('two accounts with the email: refused, neither bound', async (t) => {
    const { app } = await googleApp(t, provider);
    const users = createUserRepository(app.db);
    users.create({ username: 'ops-a', displayName: '', email: 'ops@example.com', role: 'admin', passwordHash: null });
    users.create({ username: 'ops-b', displayName: '', email: 'OPS@example.com', role: 'operator', passwordHash: null });
    const { client, response } = await signInWithGoogle(app, provider);
    t.equal(await refusalShown(client, response), 'Several EasyPON accounts have the email ops@example.com: an administrator must make it unique first');
    t.equal(users.findByGoogleSub('1001'), undefined);
  });

  t.test('an account bound to another Google account is refused', async (t) => {
    const { app } = await googleApp(t, provider);
    createUserRepository(app.db).create({ username: 'ops', displayName: '', email: 'ops@example.com', role: 'operator', passwordHash: null, googleSub: '9999' });
    const { client, response } = await signInWithGoogle(app, provider);
    t.equal(await refusalShown(client, response), 'The EasyPON account with ops@example.com is bound to another Google account');
  });

  t.test('a tampered state is refused', async (t) => {
    const { app } = await googleApp(t, provider);
    const client = new TestClient(app);
    const started = await client.get('/auth/google');
    const callback = new URL(await provider.authorize(String(started.headers.location)));
    callback.searchParams.set('state', 'forged');
    const response = await client.get(callback.pathname + callback.search);
    t.match(await refusalShown(client, response), 'the sign-in request expired or was tampered with');
  });

  t.test('a replayed callback is refused: state, nonce and verifier are used once', async (t) => {
    const { app } = await googleApp(t, provider);
    const { client, callbackUrl, response } = await (async () => {
      const c = new TestClient(app);
      const r = await roundTripThroughProvider(c, provider, () => c.get('/auth/google'));
      return { client: c, ...r };
    })();
    t.equal(response.headers.location, '/');
    const replayedSignedIn = await client.get(callbackUrl.pathname + callbackUrl.search);
    t.equal(replayedSignedIn.headers.location, '/login');
    t.match(lastEvent(app), { kind: 'signin.failed', message: /expired or was tampered with/ });
    await client.get('/');
    t.equal((await client.post('/logout')).statusCode, 302);
    const replay = await client.get(callbackUrl.pathname + callbackUrl.search);
    t.match(await refusalShown(client, replay), 'expired or was tampered with');

    const stranger = new TestClient(app);
    const elsewhere = await stranger.get(callbackUrl.pathname + callbackUrl.search);
    t.match(await refusalShown(stranger, elsewhere), 'expired or was tampered with', 'another browser has no state to match');
  });

  t.test('a callback with junk or nothing never answers 500', async (t) => {
    const { app } = await googleApp(t, provider);
    const client = new TestClient(app);
    for (const query of ['', '?code=x', '?state=&code=', '?error=%3Cscript%3E', '?state=a&state=b', `?state=${'x'.repeat(5000)}`]) {
      const response = await client.get(`/auth/google/callback${query}`);
      t.equal(response.statusCode, 302, query);
      t.equal(response.headers.location, '/login');
    }
  });

  t.test('an unreachable provider: the login page says so and the password form keeps working', async (t) => {
    const down = await startFakeOidcProvider();
    const app = await buildGoogleTestApp(t, down);
    const admin = await new TestClient(app).signIn();
    await turnOnGoogle(admin, down);
    await down.close();
    const login = await new TestClient(app).get('/login');
    t.equal(login.statusCode, 200);
    t.match(login.body, 'Google sign-in is unavailable right now');
    t.notMatch(login.body, 'Sign in with Google');
    t.match(login.body, 'name="password"');
    const client = new TestClient(app);
    const started = await client.get('/auth/google');
    t.match(await refusalShown(client, started), 'Google sign-in is unavailable right now');
    await new TestClient(app).signIn();
  });

  t.test('Google off: no button, /auth/google and its callback are 404', async (t) => {
    const { app, admin } = await googleApp(t, provider);
    await admin.post('/settings/integration/google/switch', { enabled: 'off' });
    const client = new TestClient(app);
    t.notMatch((await client.get('/login')).body, 'Sign in with Google');
    t.equal((await client.get('/auth/google')).statusCode, 404);
    t.equal((await client.get('/auth/google/callback?code=x&state=y')).statusCode, 404);
  });

  t.test('on but not configured: 404 too', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    t.equal((await new TestClient(app).get('/auth/google')).statusCode, 404);
  });

  t.test('PUBLIC_URL http: even if switched on before, sign-in does not exist', async (t) => {
    const { app: httpsApp } = await googleApp(t, provider);
    const dataDir = httpsApp.config.dataDir;
    const app = await buildTestApp(t, { dataDir, env: { PUBLIC_URL: 'http://easypon.test', GOOGLE_ISSUER_URL: provider.issuer } });
    const client = new TestClient(app);
    t.notMatch((await client.get('/login')).body, 'Sign in with Google');
    t.equal((await client.get('/auth/google')).statusCode, 404);
    const admin = await new TestClient(app).signIn();
    t.match((await admin.get('/settings/integration')).body, 'On, but inactive: Google sign-in needs HTTPS');
  });

  t.test('the session cookie is Secure with an https PUBLIC_URL', async (t) => {
    const { app } = await googleApp(t, provider);
    const started = await app.inject({ method: 'GET', url: '/auth/google' });
    t.match(String(started.headers['set-cookie']), /Secure/);
  });

  t.test('no secret, code or token in the event log', async (t) => {
    const { app } = await googleApp(t, provider);
    const { response, callbackUrl } = await (async () => {
      const c = new TestClient(app);
      return roundTripThroughProvider(c, provider, () => c.get('/auth/google'));
    })();
    t.equal(response.headers.location, '/');
    const log = JSON.stringify(app.db.select().from(events).all());
    t.notMatch(log, provider.clientSecret);
    t.notMatch(log, callbackUrl.searchParams.get('code')!);
    t.notMatch(log, callbackUrl.searchParams.get('state')!);
  });
});

t.test('Verify with Google', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());

  t.test('the round trip comes back to the card with the confirmation, kept on the card', async (t) => {
    const { app, admin } = await googleApp(t, provider);
    const page = await admin.get('/settings/integration');
    t.match(page.body, 'Verify with Google');
    const { response } = await roundTripThroughProvider(admin, provider, () => admin.get('/settings/integration/google/verify'));
    t.equal(response.headers.location, '/settings/integration#card-google');
    const back = await admin.get('/settings/integration');
    t.match(back.body, /role="status">Google Authorization verified for ops@example.com<\/p>/);
    t.match(back.body, /Last verification: Google Authorization verified for ops@example.com <small>\(by admin, \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    t.match(lastEvent(app), { kind: 'google.verify', actorName: 'admin', message: 'Google Authorization verified for ops@example.com' });
    t.equal(createUserRepository(app.db).count(), 1, 'verifying creates no account');
    const later = await admin.get('/settings/integration');
    t.match(later.body, 'Last verification: Google Authorization verified for ops@example.com');

    // Saving again keeps the last verification on the card.
    await admin.post('/settings/integration/google', { clientId: provider.clientId, apiKey: '', domains: ['example.com'] });
    t.match((await admin.get('/settings/integration')).body, 'Last verification: Google Authorization verified');
  });

  t.test('a failed verification shows the exact reason', async (t) => {
    const { app, admin } = await googleApp(t, provider, ['corp.example.net']);
    const { response } = await roundTripThroughProvider(admin, provider, () => admin.get('/settings/integration/google/verify'));
    t.equal(response.headers.location, '/settings/integration#card-google');
    const back = await admin.get('/settings/integration');
    t.match(back.body, /role="alert">Google accounts from example.com are not allowed<\/p>/);
    t.match(back.body, 'Last verification: Google accounts from example.com are not allowed');
    t.match(lastEvent(app), { kind: 'google.verify', message: 'Google Authorization verification failed: Google accounts from example.com are not allowed' });
    t.match((await admin.get('/')).body, 'admin', 'still signed in as the admin');
  });

  t.test('a wrong API key is reported as such', async (t) => {
    const { admin } = await googleApp(t, provider);
    await admin.post('/settings/integration/google', { clientId: provider.clientId, apiKey: 'wrong-secret', domains: ['example.com'] });
    const { response } = await roundTripThroughProvider(admin, provider, () => admin.get('/settings/integration/google/verify'));
    t.equal(response.headers.location, '/settings/integration#card-google');
    t.match((await admin.get('/settings/integration')).body, 'Google rejected the Client ID or API key');
  });

  t.test('not offered and refused while off', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google', { clientId: provider.clientId, apiKey: provider.clientSecret, domains: ['example.com'] });
    t.notMatch((await admin.get('/settings/integration')).body, 'Verify with Google');
    const refused = await admin.get('/settings/integration/google/verify');
    t.equal(refused.statusCode, 302);
    t.match((await admin.get('/settings/integration')).body, 'Turn Google Authorization on and save its settings before verifying.');
  });
});
