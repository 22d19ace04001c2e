// What the UserSide integration adds to the inventory: the ONU page's
// "UserSide" block, the customer column of the ONU list, search by customer
// name or login, and the `customer` of the External API's ONU JSON.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { OnuPageBlock } from '../inventory/extensions.js';
import type { OnuWithOlt } from '../inventory/repository.js';
import { CUSTOMER_FIELDS, formatFieldForPage, pickFieldsForApi } from './fields.js';
import { createUserSideRepository } from './repository.js';
import { formatUtc } from '../lib/utc-time.js';
import { userSideState } from './settings.js';

/** Registers the extensions; each checks the switch when it is used, so turning the integration off hides everything at once. */
export function extendInventoryWithUserSide(app: FastifyInstance): void {
  const repository = createUserSideRepository(app.db);
  // The fields to show, or null while the integration is off (one read of the settings per use).
  const shownFields = () => {
    const state = userSideState(app);
    return state.enabled ? state.settings?.fields ?? [] : null;
  };
  const isOn = () => shownFields() !== null;
  // Every stored row matches what the last succeeded run read: that run is when they were synced.
  const syncedAt = () => repository.lastSucceededRun()?.finishedAt ?? null;

  app.inventoryExtensions.onuPageBlocks.push(async function userSideBlock(onu: OnuWithOlt): Promise<OnuPageBlock | null> {
    const fields = shownFields();
    if (!fields) return null;
    const customer = repository.customersOf([onu.id]).get(onu.id);
    if (!customer) return { template: '/userside/onu-block', data: { customer: null } };
    const selected = new Set(fields);
    const at = syncedAt();
    return {
      template: '/userside/onu-block',
      data: {
        customer: {
          rows: CUSTOMER_FIELDS.filter((f) => selected.has(f.key)).map((f) => ({ label: f.label, value: formatFieldForPage(f.key, customer.snapshot) })),
          syncedAt: at ? formatUtc(at) : null,
          syncedIso: at?.toISOString() ?? null,
        },
      },
    };
  });

  app.inventoryExtensions.searchConditions.push((term) => (isOn() ? repository.searchByCustomer(term) : { scan: sql`0`, lookup: sql`0` }));

  app.inventoryExtensions.customerNames = (onuIds) => (isOn() ? repository.namesOf(onuIds) : new Map());

  app.inventoryExtensions.customerJson = (onuIds) => {
    const fields = shownFields();
    if (!fields) return new Map();
    const at = syncedAt()?.toISOString() ?? null;
    const json = new Map<number, Record<string, unknown>>();
    for (const [onuId, customer] of repository.customersOf(onuIds)) {
      json.set(onuId, { ...pickFieldsForApi(fields, customer.snapshot), syncedAt: at });
    }
    return json;
  };
}
