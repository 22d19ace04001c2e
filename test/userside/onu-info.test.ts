import t from 'tap';
import { createInventoryRepository } from '../../src/inventory/repository.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';
import { textOf } from '../helpers/inventory.js';
import { configureUserSide, userSideSetup } from '../helpers/userside.js';

function userSideBlock(html: string): string | null {
  const start = html.indexOf('<section class="onu-block" id="onu-userside">');
  return start < 0 ? null : textOf(html.slice(start, html.indexOf('</section>', start)));
}

function definitions(block: string): [string, string][] {
  return [...block.matchAll(/<dt>([^<]*)<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => [m[1]!, m[2]!]);
}

const ALL_FIELDS = ['id', 'userName', 'fullName', 'login', 'contacts', 'contractId', 'userId', 'address', 'status', 'balance', 'tariff', 'networkActivity',
  'internetActivity', 'connectionDate', 'comment', 'incomingTraffic', 'outgoingTraffic', 'group', 'billingId', 'creationDate', 'positiveBalanceDate'];

t.test('the ONU page shows exactly the selected fields, in order, formatted, with the sync time', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10 });
  await configureUserSide(admin, fake, { fields: ALL_FIELDS });
  const result = await app.userSide.runOnce('manual');
  t.ok(result.ok);
  const syncedAt = result.ok ? result.run.finishedAt!.toISOString() : '';

  const block = userSideBlock((await admin.get('/onus/10')).body)!;
  t.match(block, '<h2>UserSide</h2>');
  t.same(definitions(block), [
    ['ID', '10'],
    ['User Name', 'Customer 10'],
    ['User full Name', 'Customer 10'],
    ['User Login', 'user10'],
    ['Contacts', '+16660000010, +15550000010, user10@example.net'],
    ['Contract ID', 'A-10'],
    ['User ID', '10'],
    ['User Address', 'Main St 11, apt 10, entrance 3, floor 2'],
    ['Status', 'Paused'],
    ['Balance', '150.10 (credit 100.00)'],
    ['Tariff', 'Home 500'],
    ['Network activity', '2026-11-30 14:05 UTC'],
    ['Internet activity', '—'],
    ['Connection date', '2020-01-02 12:30 UTC'],
    ['Comment', '—'],
    ['Incoming traffic', '10 MB'],
    ['Outgoing traffic', '10 KB'],
    ['Group', 'Residential'],
    ['Billing ID', 'uuid-10'],
    ['Creation date', '2020-01-01 10:00 UTC'],
    ['Positive balance date', '2026-11-01 00:00 UTC'],
  ]);
  t.match(block, `synced at <time datetime="${syncedAt}">`);

  // A new selection shows at once, without a new run, in the list's order whatever order it was sent in.
  await configureUserSide(admin, fake, { fields: ['tariff', 'status', 'login'] });
  t.same(definitions(userSideBlock((await admin.get('/onus/10')).body)!).map(([label]) => label), ['User Login', 'Status', 'Tariff']);

  // An ONU no customer claims, and the integration off.
  const inventory = createInventoryRepository(app.db);
  const lonely = inventory.createOnu({ oltId: 1, shelf: 9, slot: 9, port: 9, number: 9, name: 'Lonely', mac: '0a:00:00:00:00:01', sn: null, description: '' });
  t.match(userSideBlock((await admin.get(`/onus/${lonely.id}`)).body), 'No UserSide customer linked');
  await admin.post('/settings/integration/userside/switch', { enabled: 'off' });
  t.equal(userSideBlock((await admin.get('/onus/10')).body), null, 'off: no UserSide block at all');
});

t.test('the ONU list shows the customer name and search finds ONUs by customer name or login', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 12, fake: { customers: 12 } });
  await configureUserSide(admin, fake);
  await app.userSide.runOnce('manual');
  // The demo ONUs are named "Subscriber i": a hit on "Customer 11" can only come from UserSide.
  const list = (await admin.get('/onus')).body;
  t.match(list, '<td>Customer 11</td>');
  const byName = (await admin.get('/onus?search=Customer%2011')).body;
  t.match(byName, '<td>Customer 11</td>');
  t.notMatch(byName, '<td>Customer 1</td>');
  t.equal((byName.match(/<tr><td>/g) ?? []).length, 1);
  const byLogin = (await admin.get('/onus?search=user12')).body;
  t.match(byLogin, '<td>Customer 12</td>');
  t.equal((byLogin.match(/<tr><td>/g) ?? []).length, 1);
  t.match((await admin.get('/onus?search=user1_')).body, 'No ONUs found', 'LIKE wildcards are taken literally');

  await admin.post('/settings/integration/userside/switch', { enabled: 'off' });
  t.notMatch((await admin.get('/onus')).body, 'Customer 11', 'off: no customer names');
  t.match((await admin.get('/onus?search=user12')).body, 'No ONUs found', 'off: no customer search');
});

t.test('the External API ONU JSON carries the selected fields in camelCase and syncedAt', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 3 });
  await setExternalApi(admin, true);
  const key = await generateKey(admin);
  await configureUserSide(admin, fake, { fields: ['userName', 'contacts', 'balance', 'connectionDate', 'incomingTraffic'] });
  let onu = (await callApi(app, key, 'GET', '/api/v1/onus/2')).json();
  t.equal(onu.customer, null, 'no run yet');

  const result = await app.userSide.runOnce('manual');
  const syncedAt = result.ok ? result.run.finishedAt!.toISOString() : '';
  onu = (await callApi(app, key, 'GET', '/api/v1/onus/2')).json();
  t.same(onu.customer, {
    userName: 'Customer 2',
    contacts: ['+16660000002', '+15550000002', 'user2@example.net'],
    balance: 54.02,
    connectionDate: '2020-01-02T12:30:00.000Z',
    incomingTraffic: 2 * 1024 * 1024,
    syncedAt,
  });
  const items = (await callApi(app, key, 'GET', '/api/v1/onus')).json().items;
  t.same(items.map((item: { customer: { userName: string } | null }) => item.customer?.userName), ['Customer 1', 'Customer 2', 'Customer 3']);

  await admin.post('/settings/integration/userside/switch', { enabled: 'off' });
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus/2')).json().customer, null, 'off: null');
});
