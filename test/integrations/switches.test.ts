import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTestApp, TestClient } from '../helpers/app.js';

t.test('the page shows three cards with their switches', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  const page = await admin.get('/settings/integration');
  t.match(page.body, '<h1>Integration</h1>');
  t.match(page.body, 'Available integrations list');
  const order = ['Google Authorization', 'UserSide integration', 'API Keys'].map((title) => page.body.indexOf(`<h2>${title}</h2>`));
  t.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, 'three cards in order');
  for (const label of ['Turn on Google Authorization?', 'Turn on UserSide integration?', 'Turn on External API?']) t.match(page.body, label);
});

t.test('a switch persists across restarts and is written to the event log', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-switch-'));
  const first = await buildTestApp(t, { dataDir });
  const admin = await new TestClient(first).signIn();
  await admin.get('/settings/integration');
  const on = await admin.post('/settings/integration/userside/switch', { enabled: ['off', 'on'] });
  t.equal(on.statusCode, 302);
  t.equal(on.headers.location, '/settings/integration#card-userside');
  await first.close();

  const second = await buildTestApp(t, { dataDir });
  const again = await new TestClient(second).signIn();
  const page = await again.get('/settings/integration');
  t.match(page.body, /name="enabled" value="on" checked> Turn on UserSide integration\?/);
  t.notMatch(page.body, /name="enabled" value="on" checked> Turn on External API\?/);
  const events = await again.get('/events?kind=integration.switch');
  t.match(events.body, 'Turned on UserSide integration');
  const off = await again.post('/settings/integration/userside/switch', { enabled: 'off' });
  t.equal(off.statusCode, 302);
  t.match((await again.get('/events?kind=integration.switch')).body, 'Turned off UserSide integration');
});

t.test('with htmx the switch answers the card head in place', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await admin.get('/settings/integration');
  const r = await admin.post('/settings/integration/apikeys/switch', { enabled: ['off', 'on'] }, { 'hx-request': 'true' });
  t.equal(r.statusCode, 200);
  t.match(r.body, /^<header class="card-head" id="card-apikeys-head">/);
  t.match(r.body, /value="on" checked> Turn on External API\?/);
  t.notMatch(r.body, '<html');
});

t.test('Google cannot be turned on unless PUBLIC_URL is https, and the card says why', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await admin.get('/settings/integration');
  const htmx = await admin.post('/settings/integration/google/switch', { enabled: 'on' }, { 'hx-request': 'true' });
  t.equal(htmx.statusCode, 422);
  t.match(htmx.body, 'Google sign-in needs HTTPS');
  t.notMatch(htmx.body, /checked> Turn on Google/);
  await admin.post('/settings/integration/google/switch', { enabled: 'on' });
  const page = await admin.get('/settings/integration');
  t.match(page.body, 'Google sign-in needs HTTPS');
  t.notMatch(page.body, /checked> Turn on Google/);
});

t.test('an unknown integration is a 404', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await admin.get('/settings/integration');
  t.equal((await admin.post('/settings/integration/nope/switch', { enabled: 'on' })).statusCode, 404);
});
