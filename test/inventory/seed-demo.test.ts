import t from 'tap';
import { DEMO_OLTS, seedDemoInventory } from '../../scripts/seed-demo.js';
import { createInventoryRepository } from '../../src/inventory/repository.js';
import { fakeMacFor, fakeSnFor } from '../fakes/userside.js';
import { buildTestApp, TestClient } from '../helpers/app.js';

t.test('the demo inventory: a few OLTs, thousands of ONUs matching the fake UserSide customers', async (t) => {
  const app = await buildTestApp(t);
  t.same(seedDemoInventory(app.db), { olts: DEMO_OLTS.length, onus: 3000 });
  const inventory = createInventoryRepository(app.db);
  t.same(inventory.listOlts().map((olt) => [olt.name, olt.onuCount]), [['OLT-Central', 1000], ['OLT-North', 1000], ['OLT-River', 1000]]);
  for (const i of [1, 2, 3, 1500, 3000]) {
    const onu = inventory.findOnu(i)!;
    t.equal(onu.mac, fakeMacFor(i), `ONU ${i} carries customer ${i}'s MAC`);
    t.equal(onu.sn, fakeSnFor(i), `ONU ${i} carries customer ${i}'s serial number`);
  }
  t.same(seedDemoInventory(app.db), { olts: 0, onus: 0 }, 'a second run leaves the inventory alone');
  t.equal(inventory.countOnus(), 3000);

  const c = await new TestClient(app).signIn();
  const page = await c.get('/onus/1');
  t.match(page.body, '<dt>Name</dt><dd>Subscriber 1</dd>');
  t.match(page.body, 'position 1/1/1:1');
});

t.test('the demo inventory is the same every time', async (t) => {
  const first = await buildTestApp(t);
  const second = await buildTestApp(t);
  seedDemoInventory(first.db, 500);
  seedDemoInventory(second.db, 500);
  const rows = (app: typeof first) => createInventoryRepository(app.db).listOnus({ limit: 1000 });
  t.same(rows(first), rows(second));
  t.equal(rows(first).length, 500);
});
