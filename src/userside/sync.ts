// One run, Import or Synchronization alike: read every customer from UserSide
// batch by batch into the staging table, then swap the staged snapshot in.
// Nothing the last good run stored changes until this one has read everything.
import type { Db } from '../db/client.js';
import { createInventoryRepository } from '../inventory/repository.js';
import { UserSideError, type UserSideClient } from './client.js';
import { linkKeys, parseCustomer } from './customer.js';
import { createUserSideRepository, type RunProgress } from './repository.js';

export interface UserSideRunInput {
  db: Db;
  runId: number;
  client: UserSideClient;
  /** the additional-data field holding GPON serial numbers, or null */
  snFieldId: number | null;
  /** aborting it stops the run before the swap; the caller marks it interrupted */
  signal: AbortSignal;
  now: () => Date;
}

export interface UserSideRunTotals extends RunProgress {
  customersTotal: number;
  onusChanged: number;
  onusUnlinked: number;
  /** the first few contested ONUs, for the event log */
  conflictExamples: { onuId: number; customerId: number; claims: number }[];
}

const CONFLICT_EXAMPLES = 10;

/** Runs the sync to the end and marks the run succeeded; throws (leaving the stored snapshot as it was) on any failure. */
export async function runUserSideSync(input: UserSideRunInput): Promise<UserSideRunTotals> {
  const { db, runId, client, snFieldId, signal } = input;
  const repository = createUserSideRepository(db);
  const onuIds = createInventoryRepository(db).onuLookups();
  const checkStopped = () => {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  };

  repository.clearStaging();
  const [tariffs, groups] = await Promise.all([client.getTariffNames(), client.getGroupNames()]);
  checkStopped();
  const ids = await client.getCustomerIds();
  checkStopped();
  const progress: RunProgress & { customersTotal: number } = {
    customersTotal: ids.length, customersFetched: 0, customersUnmatched: 0, onusLinked: 0, conflicts: 0,
  };
  repository.updateProgress(runId, progress);

  const stager = repository.stager();
  let customersWithKeys = 0;
  const names = { tariffs, groups };
  for await (const batch of client.customerBatches(ids)) {
    checkStopped();
    stager.inTransaction(() => {
      for (const raw of batch) {
        const customer = parseCustomer(raw, names);
        if (!customer) continue;
        const keys = linkKeys(raw, snFieldId);
        if (keys.macs.length || keys.sns.length) customersWithKeys++;
        // One customer reaching one ONU through both its MAC and its serial is one link.
        const linked = new Set<number>();
        for (const mac of keys.macs) {
          const id = onuIds.idWithMac(mac);
          if (id !== undefined) linked.add(id);
        }
        for (const sn of keys.sns) {
          const id = onuIds.idWithSn(sn);
          if (id !== undefined) linked.add(id);
        }
        if (linked.size === 0) progress.customersUnmatched++;
        const snapshot = JSON.stringify(customer);
        for (const onuId of linked) {
          const outcome = stager.stage({ onuId, customerId: customer.id, name: customer.userName, login: customer.login, snapshot });
          if (outcome === 'new') progress.onusLinked++;
          else if (outcome === 'first-conflict') progress.conflicts++;
        }
      }
      progress.customersFetched += batch.length;
      repository.updateProgress(runId, progress);
    });
  }
  checkStopped();
  // An empty answer where customers were linked is far likelier a broken server than a billing emptied overnight.
  if (progress.customersFetched === 0 && repository.linkedOnuCount() > 0) {
    throw new UserSideError('not-userside', 'UserSide returned no customers while ONUs are linked to some: the stored customer data was kept');
  }
  if (customersWithKeys === 0 && repository.linkedOnuCount() > 0) {
    throw new UserSideError('not-userside', 'UserSide returned customers without any MAC or serial number while ONUs are linked to some: the stored customer data was kept');
  }
  const conflictExamples = repository.stagedConflicts(CONFLICT_EXAMPLES);
  const swapped = repository.swapInStaged(runId, input.now());
  return { ...progress, onusLinked: swapped.linked, onusChanged: swapped.changed, onusUnlinked: swapped.unlinked, conflictExamples };
}
