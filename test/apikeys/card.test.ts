import { Writable } from 'node:stream';
import t from 'tap';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';
import { callApi, generateKey, postKeyForm, setExternalApi, shownKey } from '../helpers/api-keys.js';

const NOW = new Date('2030-01-10T12:00:00.000Z');

async function setup(t: { teardown(fn: () => unknown): void }, options: { logLines?: string[] } = {}) {
  const logger = options.logLines
    ? { level: 'trace', stream: new Writable({ write(chunk, _enc, done) { options.logLines!.push(String(chunk)); done(); } }) }
    : undefined;
  const app = await buildTestApp(t, { now: () => NOW, ...(logger ? { logger } : {}) });
  const admin = await new TestClient(app).signIn();
  return { app, admin };
}

t.test('the card: switch, documentation link only when on, "Generate New Key"', async (t) => {
  const { admin } = await setup(t);
  let page = await admin.get('/settings/integration');
  t.match(page.body, 'Turn on External API?');
  t.match(page.body, 'Generate New Key');
  t.match(page.body, 'No API keys yet.');
  t.notMatch(page.body, 'API documentation');

  const switched = await admin.post('/settings/integration/apikeys/switch', { enabled: 'on' }, { 'hx-request': 'true' });
  t.equal(switched.headers['hx-trigger'], 'integration-switched-apikeys');
  const link = await admin.get('/settings/integration/apikeys/docs-link', { 'hx-request': 'true' });
  t.match(link.body, /<a href="\/api\/docs"[^>]*>API documentation<\/a>/);
  t.match(link.body, 'hx-trigger="integration-switched-apikeys from:body"', 'refreshes itself on the next switch');
  page = await admin.get('/settings/integration');
  t.match(page.body, 'API documentation');
  t.match(page.body, 'On, but no usable key yet');

  await setExternalApi(admin, false);
  t.notMatch((await admin.get('/settings/integration/apikeys/docs-link', { 'hx-request': 'true' })).body, 'API documentation');
});

t.test('the form opens without JavaScript as part of the page, and in place with htmx', async (t) => {
  const { admin } = await setup(t);
  const page = await admin.get('/settings/integration/apikeys/new');
  t.equal(page.statusCode, 200);
  t.match(page.body, '<h1>Integration</h1>');
  for (const label of ['Name', 'Expiry date', 'Make it last indefinitely', 'Access', 'Read only', 'Read and write', 'Cancel', 'Save']) t.match(page.body, label);
  t.match(page.body, 'action="/settings/integration/apikeys"');

  const fragment = await admin.get('/settings/integration/apikeys/new', { 'hx-request': 'true' });
  t.notMatch(fragment.body, '<html');
  t.match(fragment.body, 'id="apikeys-panel"');
  t.match(fragment.body, 'id="apikeys-form"');
  const cancelled = await admin.get('/settings/integration/apikeys/panel', { 'hx-request': 'true' });
  t.notMatch(cancelled.body, 'id="apikeys-form"');
  t.match(cancelled.body, 'Generate New Key');
});

t.test('validation: the messages of the issue, each next to its field, typed values kept', async (t) => {
  const { admin } = await setup(t);
  const cases: { values: Record<string, string>; field: string; message: string }[] = [
    { values: { name: 'Billing', access: 'read' }, field: 'apikey-expiry', message: 'Choose an expiry date or make the key last indefinitely' },
    { values: { name: 'Billing', access: 'read', expiryDate: '2030-01-10' }, field: 'apikey-expiry', message: 'Choose a date after today (2030-01-10, UTC)' },
    { values: { name: 'Billing', access: 'read', expiryDate: '2029-12-31' }, field: 'apikey-expiry', message: 'Choose a date after today' },
    { values: { name: 'Billing', access: 'read', expiryDate: 'next week' }, field: 'apikey-expiry', message: 'Enter a real date, like 2030-12-31' },
    { values: { name: 'Billing', access: 'read', expiryDate: '2030-02-30' }, field: 'apikey-expiry', message: 'Enter a real date' },
    { values: { name: '', access: 'read', indefinite: 'on' }, field: 'apikey-name', message: 'Enter a name: what the key is for' },
    { values: { name: 'x'.repeat(101), access: 'read', indefinite: 'on' }, field: 'apikey-name', message: 'Use at most 100 characters' },
    { values: { name: 'Billing', access: 'admin', indefinite: 'on' }, field: 'apikey-access', message: 'Choose "Read only" or "Read and write"' },
  ];
  for (const { values, field, message } of cases) {
    const response = await admin.post('/settings/integration/apikeys', values);
    t.equal(response.statusCode, 422, message);
    t.match(response.body, `id="${field}-error">${message.replaceAll('"', '&quot;')}`, message);
    t.equal(shownKey(response), null);
    if (values.name) t.match(response.body, `value="${values.name}"`, 'the name is kept');
    if (values.expiryDate) t.match(response.body, `value="${values.expiryDate}"`, 'the date is kept');
  }
  const kept = await admin.post('/settings/integration/apikeys', { name: '', access: 'write', expiryDate: '2031-05-01' });
  t.match(kept.body, /value="write" checked/, 'the access choice is kept');
  t.match(kept.body, 'value="2031-05-01"');

  const htmx = await admin.post('/settings/integration/apikeys', { name: 'Billing', access: 'read' }, { 'hx-request': 'true' });
  t.equal(htmx.statusCode, 422);
  t.notMatch(htmx.body, '<html');
  t.match(htmx.body, 'Choose an expiry date or make the key last indefinitely');
  t.match((await admin.get('/settings/integration')).body, 'No API keys yet.', 'nothing was created');
});

t.test('both an expiry date and "indefinitely": the checkbox wins, and the form says so', async (t) => {
  const { app, admin } = await setup(t);
  t.match((await admin.get('/settings/integration/apikeys/new')).body, 'When this is checked, the expiry date is ignored');
  const response = await postKeyForm(admin, { name: 'Both', expiryDate: '2030-03-01', indefinite: true });
  t.equal(response.statusCode, 200);
  t.match(response.body, 'expires: Never');
  const row = app.db.$client.prepare('select expires_at from api_keys').get() as { expires_at: number | null };
  t.equal(row.expires_at, null);
});

t.test('a name is shown escaped', async (t) => {
  const { admin } = await setup(t);
  await generateKey(admin, { name: '<script>alert(1)</script> & "co"' });
  const page = await admin.get('/settings/integration');
  t.notMatch(page.body, '<script>alert(1)</script>');
  t.match(page.body, '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;');
});

t.test('show once: the key on the answer to Save only, never stored, logged or shown again', async (t) => {
  const logLines: string[] = [];
  const { app, admin } = await setup(t, { logLines });
  await setExternalApi(admin, true);

  const saved = await postKeyForm(admin, { name: 'Billing export', access: 'write', expiryDate: '2030-06-30' });
  t.equal(saved.statusCode, 200);
  t.equal(saved.headers['cache-control'], 'no-store');
  const key = shownKey(saved)!;
  t.ok(key, 'the key is shown');
  t.match(saved.body, 'This key will not be shown again');
  t.match(saved.body, /<button type="button" data-copy-target="new-api-key" data-copy-status="new-api-key-status">Copy<\/button>/);
  t.equal(saved.headers.location, undefined, 'no redirect');
  t.notMatch(saved.headers['set-cookie'] ?? '', key);

  const htmx = await postKeyForm(admin, { name: 'htmx key', indefinite: true }, { 'hx-request': 'true' });
  t.equal(htmx.headers['cache-control'], 'no-store');
  t.notMatch(htmx.body, '<html');
  const htmxKey = shownKey(htmx)!;
  t.ok(htmxKey);
  t.match(htmx.body, 'htmx key', 'the list updated in the same answer');
  t.match(htmx.body, /<header hx-swap-oob="true" class="card-head" id="card-apikeys-head">[\s\S]*\(2 usable keys\)/, 'and the card head\'s status');

  // The key works, and is then never seen again anywhere.
  t.equal((await callApi(app, key, 'GET', '/api/v1/olts')).statusCode, 200);
  t.equal((await callApi(app, htmxKey, 'GET', '/api/v1/olts', undefined, { 'x-api-key': htmxKey, authorization: 'Basic cHJveHk6cHc=' })).statusCode, 200, 'a proxy\'s Basic Authorization leaves X-API-Key usable');
  t.equal((await callApi(app, htmxKey, 'GET', '/api/v1/olts', undefined, { 'x-api-key': htmxKey, authorization: 'Bearer not-a-key' })).statusCode, 401, 'a Bearer token, when sent, is the one checked');
  t.equal((await callApi(app, null, 'GET', '/api/v1/olts', undefined, { authorization: 'Basic cHJveHk6cHc=' })).statusCode, 401, 'Basic alone is no key');
  for (const url of ['/settings/integration', '/settings/integration/apikeys/panel', '/events', '/settings/integration/apikeys/new']) {
    const again = await admin.get(url, { 'hx-request': 'true' });
    t.notMatch(again.body, key, url);
    t.notMatch(again.body, htmxKey, url);
  }
  const list = await admin.get('/settings/integration');
  t.match(list.body, `<code>${key.slice(0, 8)}…</code>`, 'the list shows the first 8 characters');
  t.notMatch(list.body, key.slice(0, 9));

  const dump = app.db.$client.prepare("select group_concat(quote(digest) || prefix || name, '|') as a from api_keys").get() as { a: string };
  const events = app.db.$client.prepare("select group_concat(message || actor_name, '|') as a from events").get() as { a: string };
  const sessions = [...admin.cookies.values()].join(' ');
  for (const secret of [key, htmxKey]) {
    t.notMatch(dump.a, secret.slice(8), 'not in the database');
    t.notMatch(events.a, secret.slice(8), 'not in the event log');
    t.notMatch(sessions, secret, 'not in the session cookie');
    t.notOk(logLines.some((line) => line.includes(secret.slice(8))), 'not in any log line');
  }
  t.ok(logLines.length > 10, 'the logs were captured');
});

t.test('the list: columns, "Never", expired keys marked, last activity and IP', async (t) => {
  let now = new Date('2030-01-10T12:00:00.000Z');
  const app = await buildTestApp(t, { now: () => now, env: { TRUST_PROXY: '127.0.0.1' } });
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  t.match((await admin.get('/settings/integration/apikeys/new')).body, 'min="2030-01-11"', 'the date picker starts at tomorrow (UTC), the first day accepted');
  const shortKey = await generateKey(admin, { name: 'Short', expiryDate: '2030-01-11' });
  await generateKey(admin, { name: 'Forever', access: 'write', indefinite: true });

  let page = await admin.get('/settings/integration');
  for (const column of ['Name', 'Key', 'Access', 'Created at', 'Expiry', 'Last activity', 'IP address', 'Delete']) t.match(page.body, `${column}</`, column);
  t.match(page.body, /Short<\/td>[\s\S]*?Read only<\/td>[\s\S]*?2030-01-10 12:00 UTC<\/td>\s*<td>2030-01-11<\/td>\s*<td>Never<\/td>/);
  t.match(page.body, /Forever<\/td>[\s\S]*?Read and write<\/td>[\s\S]*?<td>Never<\/td>\s*<td>Never<\/td>/);
  t.notMatch(page.body, 'Expired');

  now = new Date('2030-01-11T08:30:00.000Z');
  await callApi(app, shortKey, 'GET', '/api/v1/olts', undefined, { 'x-forwarded-for': '203.0.113.7' });
  await admin.signIn(); // idle for more than 12 hours: signed out meanwhile
  page = await admin.get('/settings/integration');
  t.match(page.body, /Short<\/td>[\s\S]*?<td>2030-01-11 08:30 UTC<\/td>\s*<td>203\.0\.113\.7<\/td>/, 'last activity and the client IP from the trusted proxy');

  now = new Date('2030-01-12T00:00:00.000Z');
  await admin.signIn();
  page = await admin.get('/settings/integration');
  t.match(page.body, /<tr id="apikey-\d+" class="expired">\s*<td>Short<\/td>[\s\S]*?2030-01-11 <mark>Expired<\/mark>/);
  t.match(page.body, /<tr id="apikey-\d+">\s*<td>Forever/);
});

t.test('delete revokes the key and writes the event log; operators cannot touch keys', async (t) => {
  const { app, admin } = await setup(t);
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { name: 'To delete', access: 'write', expiryDate: '2030-02-01' });
  const id = /<tr id="apikey-(\d+)"/.exec((await admin.get('/settings/integration')).body)![1];

  const operator = await clientWithRole(app, 'operator');
  t.equal((await operator.post(`/settings/integration/apikeys/${id}/delete`)).statusCode, 403);
  t.equal((await operator.post('/settings/integration/apikeys', { name: 'x', access: 'write', indefinite: 'on' })).statusCode, 403);
  t.equal((await operator.get('/settings/integration/apikeys/new')).statusCode, 403);
  t.equal((await callApi(app, key, 'GET', '/api/v1/olts')).statusCode, 200);

  const deleted = await admin.post(`/settings/integration/apikeys/${id}/delete`, {}, { 'hx-request': 'true' });
  t.equal(deleted.statusCode, 200);
  t.notMatch(deleted.body, 'To delete', 'gone from the list at once');
  t.equal((await callApi(app, key, 'GET', '/api/v1/olts')).statusCode, 401, 'refused on the next request');

  const again = await admin.post(`/settings/integration/apikeys/${id}/delete`);
  t.equal(again.statusCode, 302);
  t.match((await admin.get('/settings/integration')).body, 'That API key does not exist any more.');

  const events = app.db.$client.prepare("select kind, actor_name as actor, message from events where kind like 'apikey.%' order by id").all();
  t.same(events, [
    { kind: 'apikey.created', actor: 'admin', message: 'Created API key "To delete" (Read and write, expires: 2030-02-01)' },
    { kind: 'apikey.deleted', actor: 'admin', message: `Deleted API key "To delete" (${key.slice(0, 8)}…)` },
  ]);
  const switches = app.db.$client.prepare("select message from events where kind = 'integration.switch'").all();
  t.same(switches, [{ message: 'Turned on API Keys' }]);
});
