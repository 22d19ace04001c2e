import t from 'tap';
import { createInventoryRepository } from '../../src/inventory/repository.js';
import { createUserSideRepository } from '../../src/userside/repository.js';
import { fakeMacFor, fakeSnFor } from '../fakes/userside.js';
import { configureUserSide, userSideSetup } from '../helpers/userside.js';

type Setup = Awaited<ReturnType<typeof userSideSetup>>;

/** ONUs with only the keys given, on one OLT; returns their ids by label. */
function addOnus(app: Setup['app'], onus: Record<string, { mac?: string; sn?: string }>): Record<string, number> {
  const inventory = createInventoryRepository(app.db);
  const olt = inventory.createOlt({ name: 'OLT-T', model: 'ZTE C320', host: '', description: '' });
  const ids: Record<string, number> = {};
  Object.entries(onus).forEach(([label, keys], n) => {
    ids[label] = inventory.createOnu({ oltId: olt.id, shelf: 0, slot: 1, port: 1, number: n + 1, name: label, mac: keys.mac ?? null, sn: keys.sn ?? null, description: '' }).id;
  });
  return ids;
}

/** Which customer id each ONU is linked to (by ONU label). */
function linkedCustomers(app: Setup['app'], ids: Record<string, number>): Record<string, number | null> {
  const customers = createUserSideRepository(app.db).customersOf(Object.values(ids));
  return Object.fromEntries(Object.entries(ids).map(([label, id]) => [label, customers.get(id)?.customerId ?? null]));
}

function storedRows(app: Setup['app']) {
  return app.db.$client.prepare('select onu_id, customer_id, snapshot, run_id from userside_customers order by onu_id').all();
}

async function run(app: Setup['app']) {
  const result = await app.userSide.runOnce('manual');
  if (!result.ok) throw new Error(result.reason);
  return result.run;
}

t.test('links a customer by every MAC of ip_mac in any spelling, and by the serial number field', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 0 });
  const ids = addOnus(app, {
    dotted: { mac: fakeMacFor(1) }, // customer 1 spells it aabb.ccdd.eeff
    bare: { mac: fakeMacFor(2) }, // customer 2: aabbccddeeff
    dashed: { mac: fakeMacFor(3) }, // customer 3: AA-BB-CC-DD-EE-FF
    secondMac: { mac: '06' + fakeMacFor(6).slice(2) }, // the other device of customer 6
    snLower: { sn: fakeSnFor(4) }, // customer 4 types it lower-case
    snHex: { sn: fakeSnFor(5) }, // customer 5 in the 16-hex form
    nobody: { mac: '0a:0b:0c:0d:0e:0f', sn: 'HWTC00000001' },
  });
  await configureUserSide(admin, fake);
  const first = await run(app);
  t.match(first, { status: 'succeeded', customersTotal: 10, customersFetched: 10, onusLinked: 6, onusChanged: 6, onusUnlinked: 0, conflicts: 0, customersUnmatched: 4, error: null });
  t.same(linkedCustomers(app, ids), { dotted: 1, bare: 2, dashed: 3, secondMac: 6, snLower: 4, snHex: 5, nobody: null });

  // Without the serial number field only the MACs link: the two GPON ONUs lose their customer.
  await configureUserSide(admin, fake, { snFieldId: '' });
  const second = await run(app);
  t.match(second, { status: 'succeeded', onusLinked: 4, onusChanged: 0, onusUnlinked: 2 });
  t.same(linkedCustomers(app, ids), { dotted: 1, bare: 2, dashed: 3, secondMac: 6, snLower: null, snHex: null, nobody: null });
});

t.test('two customers claiming one ONU: the lower customer id wins and the conflict is counted', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 0, app: { userSide: { client: { batchSize: 2 } } } });
  const ids = addOnus(app, {
    contested: { mac: fakeMacFor(9), sn: fakeSnFor(3) }, // customer 9 by MAC, customer 3 by serial
    twice: { mac: fakeMacFor(7), sn: fakeSnFor(2) }, // customer 7, customer 2
    sameCustomer: { mac: fakeMacFor(5), sn: fakeSnFor(5) }, // one customer through both: no conflict
  });
  await configureUserSide(admin, fake);
  const result = await run(app);
  t.match(result, { status: 'succeeded', onusLinked: 3, conflicts: 2 });
  t.same(linkedCustomers(app, ids), { contested: 3, twice: 2, sameCustomer: 5 });
  t.match(JSON.parse((storedRows(app)[0] as { snapshot: string }).snapshot), { id: 3, login: 'user3', userName: 'Customer 3' });
  const finished = app.db.$client.prepare("select message from events where kind = 'userside.run' order by id desc limit 1").pluck().get();
  t.match(finished, `2 conflicts (ONU #${ids.contested} claimed by 2 customers, kept customer 3; ONU #${ids.twice} claimed by 2 customers, kept customer 2)`, 'the event log names the contested ONUs');
});

t.test('staging keeps the lower customer id whichever claim comes first', async (t) => {
  const { app } = await userSideSetup(t, { onus: 2 });
  const repository = createUserSideRepository(app.db);
  const stager = repository.stager();
  const claim = (onuId: number, customerId: number) => stager.stage({ onuId, customerId, name: `C${customerId}`, login: `c${customerId}`, snapshot: '{}' });
  t.same([claim(1, 9), claim(1, 3), claim(1, 5), claim(1, 3)], ['new', 'first-conflict', 'conflict', 'repeat']);
  t.same([claim(2, 4), claim(2, 8)], ['new', 'first-conflict']);
  t.same(app.db.$client.prepare('select onu_id, customer_id, name, claims from userside_staging order by onu_id').all(), [
    { onu_id: 1, customer_id: 3, name: 'C3', claims: 3 },
    { onu_id: 2, customer_id: 4, name: 'C4', claims: 2 },
  ]);
  repository.clearStaging();
});

t.test('a re-run writes only the rows that changed; the snapshot keeps the run that wrote each row', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10 });
  await configureUserSide(admin, fake);
  const first = await run(app);
  t.match(first, { onusLinked: 10, onusChanged: 10, onusUnlinked: 0 });
  const before = storedRows(app);

  const second = await run(app);
  t.match(second, { status: 'succeeded', onusLinked: 10, onusChanged: 0, onusUnlinked: 0 });
  t.same(storedRows(app), before, 'not one row rewritten');

  fake.setOptions({ customers: 8 });
  const third = await run(app);
  t.match(third, { status: 'succeeded', customersTotal: 8, onusLinked: 8, onusChanged: 0, onusUnlinked: 2 });
  t.equal(storedRows(app).length, 8);
  t.ok((storedRows(app) as { run_id: number }[]).every((row) => row.run_id === first.id), 'unchanged rows still carry the first run');
  t.equal(app.db.$client.prepare('select count(*) from userside_staging').pluck().get(), 0, 'staging emptied');
});

t.test('every response style and container shape gives the same snapshot', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10 });
  await configureUserSide(admin, fake);
  await run(app);
  const reference = storedRows(app);
  for (const quirks of [{ style: 'old', containers: 'array', batch: false }, { style: 'new', containers: 'array', batch: true }, { style: 'old', containers: 'object', batch: true }] as const) {
    fake.setOptions(quirks);
    const result = await run(app);
    t.match(result, { status: 'succeeded', customersFetched: 10, onusLinked: 10, onusChanged: 0 }, JSON.stringify(quirks));
    t.same(storedRows(app), reference);
  }
});

t.test('a failing run keeps the last good snapshot and says why it failed', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10, app: { userSide: { client: { batchSize: 2, concurrency: 1, timeoutMs: 300 } } } });
  await configureUserSide(admin, fake);
  const good = await run(app);
  const snapshot = storedRows(app);

  // Customers drop out of the base, then the server fails: the drop must not be applied.
  fake.setOptions({ customers: 6 });
  const failures: [string, () => void, string | RegExp][] = [
    ['HTTP 500 mid-way', () => fake.setOptions({ failAfter: fake.requests + 5 }), 'UserSide: HTTP 500 Internal Server Error'],
    ['malformed JSON', () => fake.setOptions({ malformedJson: true }), 'UserSide: the server answered with something that is not JSON'],
    ['timeout', () => fake.setOptions({ latencyMs: 1000 }), 'UserSide: timed out after 0.3 s'],
    ['key rejected', () => fake.setOptions({ apiKey: 'rotated-key' }), 'UserSide: the API key was rejected'],
    ['a 50 MB answer', () => fake.setOptions({ hugeBodyBytes: 50 * 1024 * 1024 }), 'UserSide: the customer id list has an unexpected shape'],
    ['the connection closed mid-answer', () => fake.setOptions({ closeMidAnswer: true }), /UserSide: .*cut off/],
  ];
  for (const [label, inject, reason] of failures) {
    inject();
    const failed = await run(app);
    t.equal(failed.status, 'failed', label);
    t.match(failed.error, reason, label);
    t.ok(failed.finishedAt, label);
    t.same(storedRows(app), snapshot, `${label}: the last good snapshot is intact`);
    fake.setOptions({ failAfter: null, malformedJson: false, latencyMs: 0, apiKey: 'fake-userside-key-1234567890', hugeBodyBytes: 0, closeMidAnswer: false });
  }
  const midway = createUserSideRepository(app.db).listRuns(10).find((r) => r.error?.includes('HTTP 500'))!;
  t.ok(midway.customersFetched > 0 && midway.customersFetched < 6, `it failed mid-way (${midway.customersFetched} of 6 fetched)`);
  t.equal(app.db.$client.prepare('select count(*) from userside_staging').pluck().get(), 0, 'staging emptied');

  // The ONU page still shows the last good data, synced at the last good run.
  const page = (await admin.get(`/onus/${(snapshot[9] as { onu_id: number }).onu_id}`)).body;
  t.match(page, 'Customer 10');
  t.match(page, good.finishedAt!.toISOString());

  const events = (await admin.get('/events?kind=userside.run')).body;
  t.match(events, 'failed: UserSide: HTTP 500 Internal Server Error');
  t.notMatch(events, 'fake-userside-key');

  // Once UserSide answers again, the next run works and applies the drop.
  t.match(await run(app), { status: 'succeeded', customersFetched: 6, onusLinked: 6, onusUnlinked: 4 });
});

t.test('answers that would empty the links are refused; a list ignored falls back to one id a request', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10, app: { userSide: { client: { batchSize: 5, concurrency: 1 } } } });
  await configureUserSide(admin, fake);
  await run(app);
  const snapshot = storedRows(app);
  t.equal(snapshot.length, 10);

  fake.setOptions({ idListMissing: true });
  t.match(await run(app), { status: 'failed', error: 'UserSide: the customer id list has an unexpected shape' }, 'no id list at all');
  fake.setOptions({ idListMissing: false, customers: 0 });
  t.match(await run(app), { status: 'failed', error: /returned no customers while ONUs are linked/ }, 'an empty base');
  fake.setOptions({ customers: 10, withoutLinks: true });
  t.match(await run(app), { status: 'failed', error: /customers without any MAC or serial number while ONUs are linked/ }, 'customers without their MACs and serials');
  fake.setOptions({ withoutLinks: false, batch: false, refusedIds: [2, 3, 4, 5, 6] });
  t.match(await run(app), { status: 'failed', error: /Customer not found/ }, 'half the customers refused: a failing server, not deletions');
  t.same(storedRows(app), snapshot, 'none of these touched the stored links');

  fake.setOptions({ refusedIds: [], batch: 'ignored' });
  const fallback = await run(app);
  t.match(fallback, { status: 'succeeded', customersFetched: 10, onusLinked: 10, onusChanged: 0, onusUnlinked: 0 });
  t.ok(fake.queries.slice(-10).every((q) => !q.get('customer_id')?.includes(',')), 'then one id a request');

  // One customer deleted between the id list and its data: its ONU is unlinked, the rest stays.
  fake.setOptions({ batch: true, refusedIds: [4] });
  t.match(await run(app), { status: 'succeeded', onusLinked: 9, onusUnlinked: 1 });
});

t.test('runs never overlap: the card, the API and the scheduler all hear "A sync is already running"', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: 10 });
  await configureUserSide(admin, fake, { type: 'sync' });
  fake.setOptions({ latencyMs: 30 });
  const first = app.userSide.start('manual', { id: 1, name: 'admin' });
  t.ok(first.ok);
  t.same(app.userSide.start('schedule', { id: null, name: 'system' }), { ok: false, reason: 'A sync is already running' });
  t.same(app.userSideRuns.start('api', { id: null, name: 'api-key:k' }), { ok: false, reason: 'A sync is already running' });
  await app.userSide.tick();
  t.equal(createUserSideRepository(app.db).listRuns(10).length, 1, 'a tick while running starts nothing');
  await app.userSide.idle();
  t.equal(app.userSide.running(), null);
  t.ok(app.userSide.start('manual', { id: 1, name: 'admin' }).ok, 'once done, the next may start');
  await app.userSide.idle();
});
