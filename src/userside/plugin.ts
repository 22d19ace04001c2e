import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { UserSideRuns } from '../api/userside-runs.js';
import { userSideCardRoutes } from './card-routes.js';
import { extendInventoryWithUserSide } from './onu-info.js';
import { createUserSideRepository } from './repository.js';
import { toRunJson } from './run-json.js';
import { RECENT_RUNS } from './runs-view.js';
import { createUserSideWorker, type UserSideWorker, type UserSideWorkerOptions } from './worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts UserSide runs and, when asked, schedules Synchronization. */
    userSide: UserSideWorker;
  }
}

export type UserSideFeatureOptions = Partial<UserSideWorkerOptions>;

const DEFAULT_TICK_MS = 30_000;

/** UserSide integration: the card, the runs (worker), the ONU information and the runs of the External API. */
export const userSideFeature = fp(async function userSideFeature(app: FastifyInstance, options: UserSideFeatureOptions) {
  const workerOptions: UserSideWorkerOptions = {
    scheduler: options.scheduler ?? false,
    tickMs: options.tickMs ?? DEFAULT_TICK_MS,
    client: options.client ?? {},
  };
  const worker = createUserSideWorker(app, workerOptions);
  app.decorate('userSide', worker);

  const repository = createUserSideRepository(app.db);
  const runs: UserSideRuns = {
    list: () => repository.listRuns(RECENT_RUNS * 5).map(toRunJson),
    start(trigger, actor, ip) {
      const started = worker.start(trigger, actor, ip);
      return started.ok ? { ok: true, run: toRunJson(started.run) } : started;
    },
  };
  app.decorate('userSideRuns', runs);

  extendInventoryWithUserSide(app);
  await app.register(userSideCardRoutes, { worker, client: workerOptions.client });

  app.addHook('onReady', async () => worker.recoverAndSchedule());
  // preClose: the run must be marked interrupted while the database is still open.
  app.addHook('preClose', async () => worker.stop());
}, { name: 'userside' });
