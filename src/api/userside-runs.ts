import type { FastifyInstance } from 'fastify';
import type { Actor } from '../events/record.js';
import { apiActor } from './auth.js';
import { sendApiError } from './errors.js';
import { errorResponses, RUN_EXAMPLE, runSchema } from './schemas.js';

/** A UserSide run as the External API shows it (product.md "Run JSON"); times ISO 8601 UTC. */
export interface RunJson {
  id: number;
  type: 'import' | 'sync';
  trigger: 'manual' | 'schedule' | 'api';
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  customersTotal: number | null;
  customersFetched: number;
  onusLinked: number;
  onusChanged: number;
  onusUnlinked: number;
  conflicts: number;
  error: string | null;
}

export type StartRunResult = { ok: true; run: RunJson } | { ok: false; reason: string };

/** What the UserSide integration gives the API: it decorates the app with `userSideRuns`. */
export interface UserSideRuns {
  /** Latest first. */
  list(): RunJson[];
  /** Starts a run now, or says why not (one is running, the integration is off or not configured). */
  start(trigger: 'api', actor: Actor, ip?: string): StartRunResult;
}

declare module 'fastify' {
  interface FastifyInstance {
    userSideRuns: UserSideRuns;
  }
}

const TAGS = ['UserSide runs'];

/** /api/v1/userside/runs: the UserSide import/sync runs, and starting one. */
export async function userSideRunApiRoutes(app: FastifyInstance) {
  app.get('/userside/runs', {
    schema: {
      tags: TAGS,
      summary: 'List UserSide runs',
      description: 'The recent UserSide imports and synchronizations, latest first; a running one shows its progress.',
      response: {
        200: { description: 'The runs, latest first', type: 'object', required: ['items'], properties: { items: { type: 'array', items: runSchema } }, examples: [{ items: [RUN_EXAMPLE] }] },
        ...errorResponses(),
      },
    },
  }, async function listUserSideRuns() {
    return { items: app.userSideRuns.list() };
  });

  app.post('/userside/runs', {
    schema: {
      tags: TAGS,
      summary: 'Start a UserSide run',
      description: 'Needs a "Read and write" key. Starts an import or a synchronization (whichever the integration is set to) and answers 202 with the run; 409 while one runs or while the integration is off or not configured.',
      response: {
        202: { description: 'The run, started', ...runSchema, examples: [{ ...RUN_EXAMPLE, status: 'running', finishedAt: null, customersTotal: null, customersFetched: 0, onusLinked: 0, onusChanged: 0, onusUnlinked: 0 }] },
        ...errorResponses(403, 409),
      },
    },
  }, async function startUserSideRun(request, reply) {
    const result = app.userSideRuns.start('api', apiActor(request), request.ip);
    if (!result.ok) return sendApiError(reply, 409, 'conflict', result.reason);
    return reply.code(202).send(result.run);
  });
}
