// Starts runs and keeps them from overlapping: "Import now"/"Sync now", the
// External API and, for Synchronization, an in-process interval. One run at a
// time in this process; stopping the app stops a run cleanly.
import type { FastifyInstance } from 'fastify';
import { recordEvent, SYSTEM_ACTOR, type Actor } from '../events/record.js';
import { isStorageFailure } from '../lib/storage-failure.js';
import { createUserSideClient, UserSideError, type UserSideClientOptions } from './client.js';
import { createUserSideRepository, type RunRow, type RunTrigger } from './repository.js';
import { activeUserSide, runTypeLabel, userSideState } from './settings.js';
import { runUserSideSync, type UserSideRunTotals } from './sync.js';

export interface UserSideWorkerOptions {
  /** run Synchronization on its interval (off unless asked: tests and scripts start runs themselves) */
  scheduler: boolean;
  /** how often the scheduler looks whether a sync is due */
  tickMs: number;
  /** client settings for every run and test (tests shorten the timeout) */
  client: Partial<Omit<UserSideClientOptions, 'apiUrl' | 'apiKey'>>;
}

export type StartResult = { ok: true; run: RunRow } | { ok: false; reason: string };

export const ALREADY_RUNNING = 'A sync is already running';
export const INTEGRATION_OFF = 'UserSide integration is off';
export const NOT_CONFIGURED_YET = 'UserSide integration is not configured yet: save its address and API key first';
const STOPPED_BY_SHUTDOWN = 'The server was stopped during the run';
const ABANDONED = 'The server stopped before the run finished';

/** The run starter and scheduler of one app; `stop()` aborts a run in progress and waits for it to be marked. */
export function createUserSideWorker(app: FastifyInstance, options: UserSideWorkerOptions) {
  const repository = createUserSideRepository(app.db);
  let current: { run: RunRow; abort: AbortController; done: Promise<RunRow> } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking = false;

  // A function, so TypeScript does not keep `current` narrowed to what it was before a start.
  function finished(): Promise<RunRow> | undefined {
    return current?.done;
  }

  function describe(run: RunRow): string {
    return `UserSide ${runTypeLabel(run.type).toLowerCase()} #${run.id}`;
  }

  function writeOrLog(write: () => void): void {
    try {
      write();
    } catch (err) {
      app.log.error({ err }, 'UserSide: could not record the end of a run');
    }
  }

  async function execute(run: RunRow, abort: AbortController, settings: { apiUrl: string; apiKey: string; snFieldId: number | null }): Promise<RunRow> {
    const client = createUserSideClient({ ...options.client, apiUrl: settings.apiUrl, apiKey: settings.apiKey });
    const closeClient = () => void client.close();
    abort.signal.addEventListener('abort', closeClient, { once: true });
    try {
      const totals = await runUserSideSync({ db: app.db, runId: run.id, client, snFieldId: settings.snFieldId, signal: abort.signal, now: () => app.now() });
      recordEvent(app.db, {
        kind: 'userside.run',
        actor: SYSTEM_ACTOR,
        message: `${describe(run)} succeeded: ${totals.customersFetched} of ${totals.customersTotal} customers, ${totals.onusLinked} ONUs linked, ${totals.onusChanged} changed, ${totals.onusUnlinked} unlinked, ${totals.conflicts} conflicts${describeConflicts(totals)}`,
      }, app.now());
    } catch (err) {
      const interrupted = abort.signal.aborted;
      const reason = interrupted ? STOPPED_BY_SHUTDOWN : failureReason(err);
      if (!interrupted && !(err instanceof UserSideError)) app.log.error({ err }, `${describe(run)} failed`);
      else app.log.warn(`${describe(run)} ${interrupted ? 'interrupted' : 'failed'}: ${reason}`);
      // On a full disk these writes fail too: the run then stays "running" until the next start marks it interrupted.
      writeOrLog(() => {
        repository.finishRun(run.id, { status: interrupted ? 'interrupted' : 'failed', error: reason, finishedAt: app.now() });
        recordEvent(app.db, { kind: 'userside.run', actor: SYSTEM_ACTOR, message: `${describe(run)} ${interrupted ? 'interrupted' : 'failed'}: ${reason}` }, app.now());
      });
    } finally {
      abort.signal.removeEventListener('abort', closeClient);
      await client.close();
      writeOrLog(() => repository.clearStaging());
    }
    return repository.findRun(run.id) ?? run;
  }

  function start(trigger: RunTrigger, actor: Actor, ip?: string): StartResult {
    if (current) return { ok: false, reason: ALREADY_RUNNING };
    if (!userSideState(app).enabled) return { ok: false, reason: INTEGRATION_OFF };
    const active = activeUserSide(app);
    if (!active) return { ok: false, reason: NOT_CONFIGURED_YET };
    // Nothing runs in this process now: a run still marked running is one whose end could not be written.
    repository.interruptAbandonedRuns(app.now(), ABANDONED);
    const run = repository.createRun({ type: active.settings.type, trigger, actorName: actor.name, startedAt: app.now() });
    recordEvent(app.db, { kind: 'userside.run', actor, message: `Started ${describe(run)} (${trigger})`, ip }, app.now());
    const abort = new AbortController();
    const done = execute(run, abort, { apiUrl: active.settings.apiUrl, apiKey: active.apiKey, snFieldId: active.settings.snFieldId })
      .catch((err: unknown) => {
        app.log.error({ err }, `${describe(run)}: unexpected failure`);
        return run;
      })
      .finally(() => {
        current = null;
      });
    current = { run, abort, done };
    return { ok: true, run };
  }

  /** Whether the saved Synchronization is due: its interval has passed since the last run started. */
  function syncIsDue(): boolean {
    const active = activeUserSide(app);
    if (!active || active.settings.type !== 'sync') return false;
    const last = repository.lastRun();
    return !last || app.now().getTime() - last.startedAt.getTime() >= active.settings.intervalMinutes * 60_000;
  }

  async function tick(): Promise<void> {
    if (ticking || current) return;
    ticking = true;
    try {
      if (!syncIsDue()) return;
      const started = start('schedule', SYSTEM_ACTOR);
      if (started.ok) await finished();
    } catch (err) {
      app.log.error({ err }, 'UserSide scheduler tick failed; trying again at the next one');
    } finally {
      ticking = false;
    }
  }

  return {
    start,
    tick,
    /** Starts a run now and waits for its end: the finished run, or why none started. */
    async runOnce(trigger: RunTrigger = 'schedule', actor: Actor = SYSTEM_ACTOR): Promise<StartResult> {
      const started = start(trigger, actor);
      if (!started.ok) return started;
      return { ok: true, run: await finished()! };
    },
    /** The run in progress, or null. */
    running(): RunRow | null {
      return current ? repository.findRun(current.run.id) ?? null : null;
    },
    /** Resolves when the run in progress (if any) has finished. */
    async idle(): Promise<void> {
      await finished();
    },
    /** At app start: runs a crash left 'running' become interrupted; then the interval starts if asked for. */
    recoverAndSchedule(): void {
      const abandoned = repository.interruptAbandonedRuns(app.now(), ABANDONED);
      if (abandoned) app.log.warn(`${abandoned} UserSide run(s) left running by a stop were marked interrupted`);
      if (options.scheduler && !timer) {
        timer = setInterval(() => void tick(), options.tickMs);
        timer.unref();
      }
    },
    /** Stops the interval; a run in progress is aborted and marked interrupted before this resolves. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      if (current) {
        current.abort.abort(new Error(STOPPED_BY_SHUTDOWN));
        await current.done.catch(() => {});
      }
    },
  };
}

export type UserSideWorker = ReturnType<typeof createUserSideWorker>;

// Which ONUs, so an operator can fix the customers in UserSide.
function describeConflicts({ conflicts, conflictExamples }: UserSideRunTotals): string {
  if (!conflictExamples.length) return '';
  const listed = conflictExamples.map((c) => `ONU #${c.onuId} claimed by ${c.claims} customers, kept customer ${c.customerId}`).join('; ');
  return ` (${listed}${conflicts > conflictExamples.length ? `; and ${conflicts - conflictExamples.length} more` : ''})`;
}

function failureReason(err: unknown): string {
  if (err instanceof UserSideError) return err.message;
  if (isStorageFailure(err)) {
    return 'The database cannot be written (disk full or read-only): the stored customer data was kept';
  }
  return `Internal error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
}
