// Sample inventory for `npm run demo`: ONU i carries the MAC and serial number
// the fake UserSide gives customer i, so a demo sync links them one to one.
import type { Db } from '../src/db/client.js';
import type { OnuInput } from '../src/inventory/onu-input.js';
import { createInventoryRepository } from '../src/inventory/repository.js';
import { fakeMacFor, fakeSnFor } from '../test/fakes/userside.js';

export const DEMO_OLTS = [
  { name: 'OLT-Central', model: 'ZTE C320', host: '10.10.0.2', description: 'Central exchange, rack 3' },
  { name: 'OLT-North', model: 'Huawei MA5608T', host: '10.10.1.2', description: 'North district cabinet' },
  { name: 'OLT-River', model: 'BDCOM P3310C', host: '10.10.2.2', description: 'EPON, river side' },
] as const;

export const DEMO_ONU_COUNT = 3000;
const ONUS_PER_PORT = 64;
const PORTS_PER_SLOT = 16;

/** ONU i (from 1): on OLT (i-1) mod 3, positions filled port by port; the same every time. */
export function demoOnu(i: number, oltIds: number[]): OnuInput {
  const olt = (i - 1) % oltIds.length;
  const k = Math.floor((i - 1) / oltIds.length);
  return {
    oltId: oltIds[olt]!,
    shelf: 1,
    slot: 1 + Math.floor(k / (ONUS_PER_PORT * PORTS_PER_SLOT)),
    port: 1 + (Math.floor(k / ONUS_PER_PORT) % PORTS_PER_SLOT),
    number: 1 + (k % ONUS_PER_PORT),
    name: `Subscriber ${i}`,
    // Both on every ONU: the link works whether UserSide holds the MAC or the serial number.
    mac: fakeMacFor(i),
    sn: fakeSnFor(i),
    description: i % 10 === 0 ? `Demo ONU ${i}, business line` : '',
  };
}

/**
 * Adds the demo OLTs and `count` ONUs to an empty inventory, in one transaction;
 * an inventory that already holds OLTs is left alone. Returns what was added.
 */
export function seedDemoInventory(db: Db, count = DEMO_ONU_COUNT, createdAt = new Date('2026-01-15T09:00:00Z')): { olts: number; onus: number } {
  const inventory = createInventoryRepository(db);
  if (inventory.listOlts().length > 0) return { olts: 0, onus: 0 };
  return db.transaction(() => {
    const oltIds = DEMO_OLTS.map((olt) => inventory.createOlt({ ...olt }).id);
    const onus = inventory.insertOnus((function* () {
      for (let i = 1; i <= count; i++) yield demoOnu(i, oltIds);
    })(), createdAt);
    return { olts: oltIds.length, onus };
  });
}
