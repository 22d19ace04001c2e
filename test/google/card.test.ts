import t from 'tap';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';
import { buildGoogleTestApp, HTTPS_PUBLIC_URL, turnOnGoogle } from '../helpers/google.js';
import { startFakeOidcProvider } from '../fakes/oidc-provider.js';
import { events } from '../../src/db/schema.js';

const SECRET = 'GOCSPX-super-secret-value-123';

t.test('the Google card', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());

  t.test('shows its fields, the redirect URI with a copy button and the switch', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    const page = await admin.get('/settings/integration');
    t.equal(page.statusCode, 200);
    for (const label of ['Turn on Google Authorization?', 'Client ID', 'API key', 'Allowed corporate domains', 'Allowed domain', 'Add domain', 'Cancel', 'Save']) {
      t.match(page.body, label, label);
    }
    t.match(page.body, 'OAuth client secret');
    t.match(page.body, `<code id="google-redirect-uri">${HTTPS_PUBLIC_URL}/auth/google/callback</code>`);
    t.match(page.body, 'data-copy-target="google-redirect-uri"');
    t.match(page.body, 'data-toggle-visibility="google-api-key"');
    t.match(page.body, /name="domains"/);
    t.notMatch(page.body, 'Verify with Google', 'nothing to verify before a save with the switch on');
  });

  t.test('without JavaScript "Add domain" and "Remove" post the form and bring it back a row more or less, unsaved', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    const added = await admin.post('/settings/integration/google', { clientId: 'typed-id', apiKey: '', domains: ['a.example.com', ''], addDomain: '1' });
    t.equal(added.statusCode, 200);
    t.same([...added.body.matchAll(/name="domains"[^>]*value="([^"]*)"/g)].map((m) => m[1]), ['a.example.com', '', ''], 'the typed row and two empty ones');
    t.match(added.body, 'value="typed-id"');
    t.match(added.body, /name="removeDomain" value="0"[\s\S]*name="removeDomain" value="1"/, 'each Remove names its row');
    const removed = await admin.post('/settings/integration/google', { clientId: 'typed-id', domains: ['a.example.com', 'b.example.com', 'c.example.com', ''], removeDomain: '1' });
    t.same([...removed.body.matchAll(/name="domains"[^>]*value="([^"]*)"/g)].map((m) => m[1]), ['a.example.com', 'c.example.com', '']);
    const emptyRow = await admin.post('/settings/integration/google', { clientId: 'typed-id', domains: ['a.example.com', ''], removeDomain: '' });
    t.equal(emptyRow.statusCode, 200, 'the Remove of a row added in place removes nothing else, saves nothing');
    t.same([...emptyRow.body.matchAll(/name="domains"[^>]*value="([^"]*)"/g)].map((m) => m[1]), ['a.example.com', '']);
    t.equal(app.integrations.get('google').settings, null, 'nothing saved');
  });

  t.test('when on, Client ID, API key and one domain are required, each with its message', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    const page = await admin.get('/settings/integration');
    t.match(page.body, 'On, but not configured yet');
    const refused = await admin.post('/settings/integration/google', { clientId: '', apiKey: '', domains: [''] });
    t.equal(refused.statusCode, 422);
    t.match(refused.body, 'Enter the Client ID of the OAuth client');
    t.match(refused.body, 'Enter the API key (the OAuth client secret)');
    t.match(refused.body, 'Add at least one allowed domain');
    t.equal(app.integrations.get('google').settings, null, 'nothing saved');
  });

  t.test('invalid domains are refused next to their row, typed values kept, the key never echoed', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    const refused = await admin.post('/settings/integration/google', { clientId: 'my-client', apiKey: SECRET, domains: ['example.com', 'not a domain', '-bad.com'] });
    t.equal(refused.statusCode, 422);
    t.match(refused.body, /id="google-client-id"[^>]*value="my-client"/);
    t.match(refused.body, /value="not a domain"/);
    t.match(refused.body, /value="-bad.com"/);
    t.match(refused.body, /id="google-domain-1-error">Enter a domain name like example.com/);
    t.match(refused.body, /id="google-domain-2-error">Enter a domain name like example.com/);
    t.notMatch(refused.body, /google-domain-0-error/);
    t.match(refused.body, 'Type the API key again');
    t.notMatch(refused.body, SECRET);
  });

  t.test('htmx gets the card body back, 422 on refusal', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    const refused = await admin.post('/settings/integration/google', { clientId: 'x', apiKey: '', domains: ['a..b'] }, { 'hx-request': 'true' });
    t.equal(refused.statusCode, 422);
    t.notMatch(refused.body, '<html', 'a fragment');
    t.match(refused.body, 'Enter a domain name like example.com');
    const saved = await admin.post('/settings/integration/google', { clientId: 'x', apiKey: SECRET, domains: ['Example.COM'] }, { 'hx-request': 'true' });
    t.equal(saved.statusCode, 200);
    t.match(saved.body, 'Google Authorization settings saved');
    t.match(saved.body, /hx-swap-oob="true"/, 'the head (its status line) is refreshed too');
    t.notMatch(saved.body, 'On, but not configured yet');
    t.match(saved.body, 'Verify with Google');
    const verification = await admin.get('/settings/integration/google/verification', { 'hx-request': 'true' });
    t.match(verification.body, /<section id="google-verify"[\s\S]*Verify with Google/, 'refreshed after a switch');
    await admin.post('/settings/integration/google/switch', { enabled: 'off' });
    t.notMatch((await admin.get('/settings/integration/google/verification', { 'hx-request': 'true' })).body, 'Verify with Google');
    const row = await admin.get('/settings/integration/google/domain-row', { 'hx-request': 'true' });
    t.match(row.body, /<label for="google-domain-[0-9a-f]{8}">Allowed domain<\/label>/);
    t.match(row.body, 'data-remove-closest=".domain-row"');
  });

  t.test('domains are lower-cased and deduplicated; an empty API key keeps the saved one', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    const saved = await admin.post('/settings/integration/google', { clientId: 'client-1', apiKey: SECRET, domains: ['Example.com', 'example.COM', '', 'corp.example.net.'] });
    t.equal(saved.statusCode, 302);
    t.same(app.integrations.get('google').settings, { clientId: 'client-1', domains: ['example.com', 'corp.example.net'] });
    t.equal(app.integrations.getSecret('google'), SECRET);

    const again = await admin.post('/settings/integration/google', { clientId: 'client-2', apiKey: '', domains: ['example.com'] });
    t.equal(again.statusCode, 302);
    t.equal(app.integrations.getSecret('google'), SECRET, 'kept');
    const page = await admin.get('/settings/integration');
    t.match(page.body, /value="client-2"/);
    t.match(page.body, 'Google Authorization settings saved');
    t.match(page.body, 'Saved: leave empty to keep it');
    t.match(page.body, /id="google-domain-1"[^>]*value=""/, 'one empty row to add a domain without JavaScript');
    t.notMatch(page.body, SECRET);
  });

  t.test('Cancel re-fetches the saved values', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await turnOnGoogle(admin, provider);
    const page = await admin.get('/settings/integration');
    t.match(page.body, /href="\/settings\/integration#card-google"[^>]*hx-get="\/settings\/integration\/google\/card"/);
    const body = await admin.get('/settings/integration/google/card', { 'hx-request': 'true' });
    t.match(body.body, `value="${provider.clientId}"`);
    t.match(body.body, 'value="example.com"');
    const noJs = await admin.get('/settings/integration/google/card');
    t.equal(noJs.statusCode, 302);
  });

  t.test('while off, nothing is required', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    await admin.get('/settings/integration');
    const saved = await admin.post('/settings/integration/google', { clientId: 'half-done', apiKey: '', domains: [''] });
    t.equal(saved.statusCode, 302);
    t.same(app.integrations.get('google').settings, { clientId: 'half-done', domains: [] });
  });

  t.test('operators may not see or save the card', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const operator = await clientWithRole(app, 'operator');
    const saved = await operator.post('/settings/integration/google', { clientId: 'x', apiKey: SECRET, domains: ['example.com'] });
    t.equal(saved.statusCode, 403);
    t.equal(app.integrations.get('google').settings, null);
  });

  t.test('with an http PUBLIC_URL it refuses to turn on and says why', async (t) => {
    const app = await buildTestApp(t, { env: { PUBLIC_URL: 'http://easypon.test', GOOGLE_ISSUER_URL: provider.issuer } });
    const admin = await new TestClient(app).signIn();
    const page = await admin.get('/settings/integration');
    t.match(page.body, 'Google sign-in needs HTTPS');
    t.match(page.body, '<code id="google-redirect-uri">http://easypon.test/auth/google/callback</code>');
    const refused = await admin.post('/settings/integration/google/switch', { enabled: 'on' }, { 'hx-request': 'true' });
    t.equal(refused.statusCode, 422);
    t.match(refused.body, 'Google sign-in needs HTTPS: set PUBLIC_URL');
    t.equal(app.integrations.get('google').enabled, false);
    t.equal((await new TestClient(app).get('/auth/google')).statusCode, 404);
    t.notMatch((await new TestClient(app).get('/login')).body, 'Sign in with Google');
  });

  t.test('the API key never reaches a page or the event log', async (t) => {
    const app = await buildGoogleTestApp(t, provider);
    const admin = await new TestClient(app).signIn();
    const bodies: string[] = [];
    const request = admin.request.bind(admin);
    admin.request = async (options) => {
      const response = await request(options);
      bodies.push(response.body, JSON.stringify(response.headers));
      return response;
    };
    await admin.get('/settings/integration');
    await admin.post('/settings/integration/google/switch', { enabled: 'on' });
    await admin.post('/settings/integration/google', { clientId: 'c', apiKey: SECRET, domains: ['bad domain'] });
    await admin.post('/settings/integration/google', { clientId: 'c', apiKey: SECRET, domains: ['example.com'] });
    await admin.post('/settings/integration/google', { clientId: 'c', apiKey: SECRET, domains: ['example.com'] }, { 'hx-request': 'true' });
    await admin.get('/settings/integration');
    await admin.get('/settings/integration/google/card', { 'hx-request': 'true' });
    await admin.get('/events');
    for (const body of bodies) t.notMatch(body, SECRET);
    const logged = app.db.select().from(events).all();
    t.ok(logged.some((e) => e.kind === 'integration.save'), 'saves are logged');
    t.notMatch(JSON.stringify(logged), SECRET);
    const stored = app.db.$client.prepare("select settings, secret from integrations where name = 'google'").get() as { settings: string; secret: string };
    t.notMatch(stored.settings + stored.secret, SECRET, 'encrypted at rest');
  });
});
