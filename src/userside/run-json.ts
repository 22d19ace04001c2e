import type { RunJson } from '../api/userside-runs.js';
import type { RunRow } from './repository.js';

/** A run as the External API shows it (product.md "Run JSON"). */
export function toRunJson(run: RunRow): RunJson {
  return {
    id: run.id,
    type: run.type,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    customersTotal: run.customersTotal,
    customersFetched: run.customersFetched,
    onusLinked: run.onusLinked,
    onusChanged: run.onusChanged,
    onusUnlinked: run.onusUnlinked,
    conflicts: run.conflicts,
    error: run.error,
  };
}
