import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { clientWithRole } from '../helpers/app.js';
import { textOf } from '../helpers/inventory.js';
import { configureUserSide, userSideForm, userSideSetup } from '../helpers/userside.js';

const HTMX = { 'hx-request': 'true' };
const LABELS = [
  'Turn on UserSide integration?', 'Integration type', 'Import', 'Synchronization', 'Sync interval (minutes)', 'Domain (API URL)', 'API key',
  'Test connection', 'Select data to display in ONU information', 'ID', 'User Name', 'User full Name', 'User Login', 'Contacts', 'Contract ID',
  'User ID', 'User Address', 'Status', 'Balance', 'Tariff', 'Network activity', 'Internet activity', 'Connection date', 'Comment',
  'Incoming traffic', 'Outgoing traffic', 'Group', 'Billing ID', 'Creation date', 'Positive balance date', 'ONU serial number field', 'Cancel', 'Save',
];

function userSideCard(html: string): string {
  const start = html.indexOf('id="card-userside"');
  return html.slice(start, html.indexOf('id="card-apikeys"'));
}

/** Where each label first appears (as a label, legend, button or link text), after the previous one. */
function labelsInOrder(html: string, labels: string[]): string[] {
  const missing: string[] = [];
  let from = 0;
  for (const label of labels) {
    const at = html.slice(from).search(new RegExp(`>\\s*(<input[^>]*>\\s*)?${label.replace(/[()?]/g, '\\$&')}\\s*<`));
    if (at < 0) missing.push(label);
    else from += at + 1;
  }
  return missing;
}

t.test('the card shows every label in order, says when it is on but not configured, and saves', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 0 });
  let card = userSideCard((await admin.get('/settings/integration')).body);
  t.same(labelsInOrder(card, LABELS), [], 'every label, in the order of product.md');
  t.notMatch(card, 'On, but not configured yet', 'off: no status');
  t.match(card, /<button type="submit" disabled>Import now<\/button>/, 'nothing to run yet');

  await admin.post('/settings/integration/userside/switch', { enabled: 'on' });
  card = userSideCard((await admin.get('/settings/integration')).body);
  t.match(card, 'On, but not configured yet: it does nothing until the address and API key are saved.');
  t.equal((await app.userSideRuns.start('api', { id: null, name: 'api-key:x' })).ok, false, 'no run before the settings are saved');

  const saved = await admin.post('/settings/integration/userside', userSideForm(fake, { type: 'sync', intervalMinutes: '15', apiUrl: fake.url.replace('/api.php', '/') }));
  t.equal(saved.statusCode, 302);
  const page = (await admin.get(saved.headers.location as string)).body;
  t.match(page, 'UserSide integration settings saved');
  card = userSideCard(page);
  t.notMatch(card, 'On, but not configured yet');
  t.match(card, `value="${fake.url}"`, 'stored as the api.php URL');
  t.match(card, 'value="15"');
  t.match(card, /value="sync" checked/);
  t.match(card, /<button type="submit">Sync now<\/button>/, 'the run button follows the type');
  t.match(card, 'Synchronization runs every 15 minutes.');
  t.match(card, /value="userName" checked/);
  t.notMatch(card, /value="comment" checked/);
  t.notMatch(page, fake.apiKey, 'the key never comes back');
  t.match(card, 'Saved: leave empty to keep it');

  // An empty key keeps the saved one.
  await admin.post('/settings/integration/userside', userSideForm(fake, { apiKey: '', type: 'import' }));
  t.equal(app.integrations.getSecret('userside'), fake.apiKey);
  t.match(userSideCard((await admin.get('/settings/integration')).body), /<button type="submit">Import now<\/button>/);

  const events = (await admin.get('/events')).body;
  t.match(events, 'Saved UserSide integration settings (Synchronization every 15 min');
  t.match(events, 'API key kept');
  t.notMatch(events, fake.apiKey, 'no key in the event log');
});

t.test('a rejected form comes back with the typed values and a message at each field', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 0 });
  const cases: [Record<string, string | string[]>, string, RegExp | string][] = [
    [{ apiUrl: 'billing.example.net' }, 'apiUrl', 'Start the UserSide address with http:// or https://'],
    [{ apiUrl: 'ftp://billing.example.net' }, 'apiUrl', 'Only http:// and https:// addresses are allowed'],
    [{ apiUrl: 'https://admin:secret@billing.example.net' }, 'apiUrl', 'Remove the user name and password from the address'],
    [{ apiKey: '' }, 'apiKey', 'Enter the API key of the UserSide API'],
    [{ apiKey: 'has space' }, 'apiKey', 'no spaces'],
    [{ intervalMinutes: '4' }, 'intervalMinutes', 'Enter a whole number of minutes from 5'],
    [{ intervalMinutes: 'soon' }, 'intervalMinutes', 'Enter a whole number of minutes from 5'],
    [{ type: 'weekly' }, 'type', 'Choose Import or Synchronization'],
    [{ snFieldId: 'serial' }, 'snFieldId', 'Enter the number of the additional-data field'],
  ];
  for (const [override, field, message] of cases) {
    const form = userSideForm(fake, { ...override, fields: ['comment', 'group'] });
    const response = await admin.post('/settings/integration/userside', form);
    t.equal(response.statusCode, 422, `${field}: refused`);
    const card = textOf(userSideCard(response.body));
    t.match(card, message, `${field}: its message`);
    t.match(response.body, /aria-invalid="true"/);
    t.match(response.body, /value="comment" checked/, 'typed checkboxes kept');
    t.match(response.body, /value="group" checked/);
    t.notMatch(response.body, /value="userName" checked/);
    if (field !== 'apiUrl') t.match(response.body, `value="${fake.url}"`, 'typed address kept');
    if (field !== 'apiKey') {
      t.notMatch(response.body, fake.apiKey, 'the typed key is not sent back');
      t.match(card, 'Type the API key again');
    }
  }
  // With htmx only the card body comes back.
  const htmx = await admin.post('/settings/integration/userside', userSideForm(fake, { intervalMinutes: '1' }), HTMX);
  t.equal(htmx.statusCode, 422);
  t.notMatch(htmx.body, '<html');
  t.match(htmx.body, 'Enter a whole number of minutes from 5');
  t.equal(app.integrations.get('userside').settings, null, 'nothing saved');
});

t.test('Test connection reports the version and customer count, or exactly one reason', async (t) => {
  const { fake, admin } = await userSideSetup(t, { onus: 0, fake: { customers: 1234 }, app: { userSide: { client: { timeoutMs: 300 } } } });
  await admin.get('/settings/integration');
  const test = (overrides: Record<string, string | string[]> = {}) => admin.post('/settings/integration/userside/test', userSideForm(fake, overrides), HTMX);

  let answer = await test();
  t.equal(answer.statusCode, 200);
  t.match(answer.body, /^<output id="userside-test-result" class="verification-ok"/);
  t.match(answer.body, 'Connected: UserSide 3.18.5, 1,234 customers');

  t.match((await test({ apiKey: 'wrong-key' })).body, 'Connection failed: UserSide: the API key was rejected');

  fake.setOptions({ malformedJson: true });
  t.match(textOf((await test()).body), 'Connection failed: UserSide: the server answered with something that is not JSON');
  fake.setOptions({ malformedJson: false, latencyMs: 1000 });
  t.match((await test()).body, 'Connection failed: UserSide: timed out after 0.3 s');
  fake.setOptions({ latencyMs: 0, failAfter: 0 });
  t.match((await test()).body, 'Connection failed: UserSide: HTTP 500 Internal Server Error');
  fake.setOptions({ failAfter: null });
  t.match((await test({ apiUrl: fake.url.replace('/api.php', '/other/api.php') })).body, 'Connection failed: UserSide: HTTP 404');

  // A closed port, https to a plain-http server, a name that does not resolve.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  t.match((await test({ apiUrl: `http://127.0.0.1:${closedPort}/` })).body, `Connection failed: UserSide: connection refused (127.0.0.1:${closedPort})`);
  t.match((await test({ apiUrl: fake.url.replace('http:', 'https:') })).body, 'Connection failed: UserSide: TLS error');
  t.match((await test({ apiUrl: 'http://no-such-host.invalid/' })).body, 'Connection failed: UserSide: name not resolved (no-such-host.invalid)');

  answer = await test({ apiUrl: 'not a url', apiKey: '' });
  t.match(textOf(answer.body), 'Cannot test: Start the UserSide address with http:// or https://');
  t.equal(answer.headers['hx-retarget'], '#card-userside-body', 'a field at fault: the whole card comes back');
  t.match(answer.body, 'id="userside-api-url-error"', 'with the message next to the field');
  t.match(answer.body, 'value="not a url"', 'and the typed address kept');

  const events = textOf((await admin.get('/events?kind=userside.test')).body);
  t.match(events, `Tested the UserSide connection to ${fake.url}: Connected: UserSide 3.18.5, 1,234 customers`);
  t.match(events, 'the API key was rejected');
  t.notMatch(events, fake.apiKey);
  t.notMatch(events, 'wrong-key');
});

t.test('Test connection without JavaScript re-renders the page with the typed values and the result', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 0 });
  await admin.get('/settings/integration');
  const answer = await admin.post('/settings/integration/userside/test', userSideForm(fake, { type: 'sync', intervalMinutes: '30', snFieldId: '12', fields: ['comment'] }));
  t.equal(answer.statusCode, 200);
  t.match(answer.body, '<h1>Integration</h1>');
  t.match(answer.body, 'Connected: UserSide 3.18.5, 10 customers');
  t.match(textOf(answer.body), 'Type the API key again: it is never sent back to the browser', 'the key field says why it is empty');
  t.match(answer.body, /value="sync" checked/);
  t.match(answer.body, 'value="30"');
  t.match(answer.body, 'value="12"');
  t.match(answer.body, /value="comment" checked/);
  t.notMatch(answer.body, /value="userName" checked/);
  t.notMatch(answer.body, fake.apiKey);
  t.equal(app.integrations.get('userside').settings, null, 'testing saves nothing');

  const refused = await admin.post('/settings/integration/userside/test', userSideForm(fake, { apiUrl: 'https://user:pw@billing.example.net' }));
  t.match(textOf(refused.body), 'Remove the user name and password from the address');
  t.match(refused.body, 'id="userside-api-url-error"', 'the message sits at the field');
  const events = textOf((await admin.get('/events?kind=userside.test')).body);
  t.match(events, 'Tested the UserSide connection to (an invalid address)');
  t.notMatch(events, 'user:pw', 'a rejected address never reaches the event log');
});

t.test('the saved key is used for the saved address only', async (t) => {
  const { fake, admin } = await userSideSetup(t, { onus: 0 });
  await configureUserSide(admin, fake);
  const withSaved = await admin.post('/settings/integration/userside/test', userSideForm(fake, { apiKey: '' }), HTMX);
  t.match(withSaved.body, 'Connected: UserSide 3.18.5, 10 customers', 'an empty key tests with the saved one');
  const elsewhere = await admin.post('/settings/integration/userside/test', userSideForm(fake, { apiKey: '', apiUrl: 'https://elsewhere.example.net' }), HTMX);
  t.match(elsewhere.body, 'Cannot test: Type the API key to test an address other than the saved one');
  t.equal(fake.queries.filter((q) => q.get('key') === null).length, 0);

  const moved = await admin.post('/settings/integration/userside', userSideForm(fake, { apiKey: '', apiUrl: 'https://elsewhere.example.net' }));
  t.equal(moved.statusCode, 422, 'saving another address needs the key typed again');
  t.match(textOf(moved.body), 'Type the API key again: the address changed');
  t.match(moved.body, 'value="https://elsewhere.example.net"', 'the typed address is kept');
  const kept = await admin.post('/settings/integration/userside', userSideForm(fake, { apiKey: '', intervalMinutes: '30' }));
  t.equal(kept.statusCode, 302, 'the same address keeps the saved key');
});

t.test('Import now starts a run; the runs section polls until it is done', async (t) => {
  const { app, fake, admin } = await userSideSetup(t);
  await configureUserSide(admin, fake);
  fake.setOptions({ latencyMs: 50 });
  const started = await admin.post('/settings/integration/userside/run', {}, HTMX);
  t.equal(started.statusCode, 200);
  t.match(started.body, 'Import started');
  t.match(started.body, 'hx-trigger="load delay:1s, integration-switched-userside from:body"', 'polls while running');
  t.match(started.body, /<progress/);
  t.match(started.body, /Customers fetched: \d+ of (…|10) · ONUs linked: \d+/);

  const again = await admin.post('/settings/integration/userside/run', {}, HTMX);
  t.equal(again.statusCode, 409);
  t.match(again.body, 'A sync is already running');

  await app.userSide.idle();
  const done = await admin.get('/settings/integration/userside/runs', HTMX);
  t.notMatch(done.body, 'load delay:1s', 'stops polling when done');
  t.notMatch(done.body, '<progress');
  t.match(done.body, /<td>Succeeded<\/td><td>10<\/td>\s*<td>10<\/td><td>10<\/td><td>0<\/td><td>0<\/td><td>0<\/td>/);
  t.match(done.body, 'Manual (admin)');

  // Without JavaScript: a redirect and a flash.
  const plain = await admin.post('/settings/integration/userside/run');
  t.equal(plain.statusCode, 302);
  await app.userSide.idle();
  t.match((await admin.get('/settings/integration')).body, 'Import started');
  const events = textOf((await admin.get('/events?kind=userside.run')).body);
  t.match(events, 'Started UserSide import #1 (manual)');
  t.match(events, 'UserSide import #1 succeeded: 10 of 10 customers, 10 ONUs linked, 10 changed, 0 unlinked, 0 conflicts');
});

t.test('only admins reach the card routes', async (t) => {
  const { app, fake } = await userSideSetup(t, { onus: 0 });
  const operator = await clientWithRole(app, 'operator');
  await operator.get('/onus');
  for (const url of ['/settings/integration/userside', '/settings/integration/userside/test', '/settings/integration/userside/run']) {
    t.equal((await operator.post(url, userSideForm(fake))).statusCode, 403, url);
  }
  t.equal((await operator.get('/settings/integration/userside/runs', HTMX)).statusCode, 403);
  t.equal(fake.requests, 0, 'no request reached UserSide');
});
