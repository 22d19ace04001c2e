import type { FastifyInstance } from 'fastify';
import { formatUtc } from '../lib/utc-time.js';
import { createUserSideRepository, type RunRow } from './repository.js';
import { runTypeLabel, userSideState } from './settings.js';

export const RECENT_RUNS = 10;

const STATUS_LABELS: Record<RunRow['status'], string> = { running: 'Running', succeeded: 'Succeeded', failed: 'Failed', interrupted: 'Interrupted' };
const TRIGGER_LABELS: Record<RunRow['trigger'], string> = { manual: 'Manual', schedule: 'Schedule', api: 'API' };

/** A run as the card's table and progress bar show it. */
export function runView(run: RunRow, now: Date) {
  const end = run.finishedAt ?? now;
  return {
    id: run.id,
    status: run.status,
    statusLabel: STATUS_LABELS[run.status],
    type: runTypeLabel(run.type),
    trigger: run.trigger === 'schedule' ? TRIGGER_LABELS.schedule : `${TRIGGER_LABELS[run.trigger]} (${run.actorName})`,
    startedAt: formatUtc(run.startedAt),
    startedIso: run.startedAt.toISOString(),
    duration: formatDuration(end.getTime() - run.startedAt.getTime()),
    customersTotal: run.customersTotal,
    customersFetched: run.customersFetched,
    customersUnmatched: run.customersUnmatched,
    onusLinked: run.onusLinked,
    onusChanged: run.onusChanged,
    onusUnlinked: run.onusUnlinked,
    conflicts: run.conflicts,
    error: run.error,
  };
}

/** Locals of views/settings/cards/userside-runs.eta: the run button, the running run and the last runs. */
export function runsSectionData(app: FastifyInstance) {
  const { enabled, settings, hasSecret } = userSideState(app);
  const runs = createUserSideRepository(app.db).listRuns(RECENT_RUNS);
  const now = app.now();
  const running = runs.find((run) => run.status === 'running') ?? null;
  const type = settings?.type ?? 'import';
  return {
    runs: {
      enabled,
      configured: !!settings && hasSecret,
      buttonLabel: type === 'sync' ? 'Sync now' : 'Import now',
      schedule: enabled && settings?.type === 'sync' ? `Synchronization runs every ${settings.intervalMinutes} minutes.` : null,
      current: running ? runView(running, now) : null,
      recent: runs.map((run) => runView(run, now)),
    },
  };
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
