import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { serverLoggerOptions } from '../../src/log-options.js';
import { startFakeOidcProvider } from '../fakes/oidc-provider.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';
import { ADMIN_PASSWORD, TestClient } from '../helpers/app.js';
import { buildGoogleTestApp, roundTripThroughProvider, turnOnGoogle } from '../helpers/google.js';
import { startFakeUserSide } from '../fakes/userside.js';
import { configureUserSide, userSideForm } from '../helpers/userside.js';

// Every secret the app handles goes through the flows that touch it, with the
// server's own logger at trace level; then every answer, log line, event and
// the database file itself are searched for each of them.
t.test('secrets never reach a response, a log line, an event or the database file in clear', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());
  const fake = await startFakeUserSide({ customers: 5 });
  t.teardown(() => fake.close());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-secrets-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  const logLines: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
  const app = await buildGoogleTestApp(t, provider, { dataDir, logger: serverLoggerOptions('trace', stream) });
  const bodies: string[] = [];
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) bodies.push(String(payload));
    bodies.push(JSON.stringify(reply.getHeaders()));
    return payload;
  });

  const admin = await new TestClient(app).signIn();
  await turnOnGoogle(admin, provider);
  await configureUserSide(admin, fake);
  await admin.post('/settings/integration/userside/test', userSideForm(fake));
  await admin.post('/settings/integration/userside/test', userSideForm(fake, { apiKey: 'a-wrong-userside-key' }));
  await admin.post('/settings/integration/userside/run');
  await app.userSide.idle();

  await setExternalApi(admin, true);
  const readKey = await generateKey(admin, { name: 'reader', indefinite: true });
  const writeKey = await generateKey(admin, { name: 'writer', access: 'write', indefinite: true });
  await callApi(app, readKey, 'GET', '/api/v1/onus');
  await callApi(app, null, 'GET', '/api/v1/olts', undefined, { 'x-api-key': readKey });
  await callApi(app, writeKey, 'POST', '/api/v1/userside/runs');
  await app.userSide.idle();
  await callApi(app, readKey, 'POST', '/api/v1/olts', { name: 'x', model: 'ZTE C320' });

  const operatorPassword = 'operator-password-42';
  const resetPassword = 'reset-password-43';
  await admin.get('/users');
  await admin.post('/users', { username: 'op', displayName: 'Op', email: '', role: 'operator', password: operatorPassword });
  await new TestClient(app).signIn('op', operatorPassword);
  await admin.get('/users');
  await admin.post('/users/2/password', { password: resetPassword });
  const guesser = new TestClient(app);
  await guesser.get('/login');
  await guesser.post('/login', { username: 'op', password: 'not-' + resetPassword });

  const browser = new TestClient(app);
  await browser.get('/login');
  const { callbackUrl } = await roundTripThroughProvider(browser, provider, () => browser.get('/auth/google'));
  const code = callbackUrl.searchParams.get('code')!;
  const state = callbackUrl.searchParams.get('state')!;
  t.ok(code && state, 'the round trip went through');

  await admin.get('/events');
  await admin.get('/settings/integration');
  const sessionCookie = admin.cookies.get('easypon_session')!;
  const masterKey = readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim();
  const secrets: Record<string, string> = {
    'the admin password': ADMIN_PASSWORD,
    'an operator password': operatorPassword,
    'a reset password': resetPassword,
    'a read-only API key': readKey,
    'a read-write API key': writeKey,
    'the UserSide API key': fake.apiKey,
    'a mistyped UserSide API key': 'a-wrong-userside-key',
    'the Google client secret': provider.clientSecret,
    'an OAuth code': code,
    'an OAuth state': state,
    'the secret key file': masterKey,
  };

  const events = JSON.stringify(app.db.$client.prepare('select * from events').all());
  const logs = logLines.join('');
  await app.close();
  const files = readdirSync(dataDir).filter((name) => name.startsWith('easypon.db')).map((name) => readFileSync(path.join(dataDir, name)).toString('latin1')).join('');
  t.ok(logs.length > 10_000 && events.length > 1_000 && bodies.length > 30, 'there was plenty to search');
  t.match(logs, '"url":"/auth/google/callback"', 'the callback is logged, without its query');
  for (const [name, secret] of Object.entries(secrets)) {
    // A new API key is shown once, on the answer to "Save"; the state goes once to Google, in the redirect.
    const shown = bodies.filter((body) => body.includes(secret)).length;
    t.equal(shown, /^a read.*API key$|OAuth state/.test(name) ? 1 : 0, `${name}: in ${shown} responses`);
    t.notOk(logs.includes(secret), `${name}: in no log line`);
    t.notOk(events.includes(secret), `${name}: in no event`);
    if (!name.startsWith('an OAuth') && !name.startsWith('the secret key')) t.notOk(files.includes(secret), `${name}: not in the database file in clear`);
  }
  t.notOk(logs.includes(sessionCookie), 'the session cookie is in no log line');
});
