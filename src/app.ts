import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ensureFirstAdmin } from './accounts/first-admin.js';
import { loginRoutes } from './accounts/login-routes.js';
import { userRoutes } from './accounts/user-routes.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/client.js';
import { eventRoutes } from './events/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { createInventoryExtensions, type InventoryExtensions } from './inventory/extensions.js';
import { integrationRoutes } from './integrations/routes.js';
import { inventoryRoutes } from './inventory/routes.js';
import { googleFeature } from './google/plugin.js';
import { apiKeyRoutes } from './apikeys/routes.js';
import { externalApi } from './api/plugin.js';
import { userSideFeature, type UserSideFeatureOptions } from './userside/plugin.js';
import { createIntegrationStore, type IntegrationStore } from './integrations/store.js';
import { loadSecretKeys, type SecretKeys } from './lib/secret-key.js';
import assets from './plugins/assets.js';
import auth from './plugins/auth.js';
import errors from './plugins/errors.js';
import security from './plugins/security.js';
import session from './plugins/session.js';
import views from './plugins/views.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    secretKeys: SecretKeys;
    integrations: IntegrationStore;
    inventoryExtensions: InventoryExtensions;
    /** The current time; tests replace it. */
    now(): Date;
  }
}

export interface AppDeps {
  logger?: FastifyServerOptions['logger'];
  /** Sees every route as it is added (the security tests list them this way). */
  onRoute?: (route: RouteOptions) => void;
  now?: () => Date;
  /** External API requests a minute per key (default 600); tests lower it. */
  apiRateLimitPerMinute?: number;
  /** UserSide runs: the Synchronization scheduler is off unless `scheduler: true` (server.ts turns it on). */
  userSide?: UserSideFeatureOptions;
}

/** Builds the whole application on the database under config.dataDir. Never listens. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
    genReqId: () => randomUUID().slice(0, 8),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: answerRouterError as FastifyServerOptions['frameworkErrors'],
  });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  const db = openDatabase(config.dataDir);
  const secretKeys = loadSecretKeys(config.dataDir);
  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('secretKeys', secretKeys);
  app.decorate('integrations', createIntegrationStore(db, secretKeys.encryption));
  app.decorate('now', deps.now ?? (() => new Date()));
  app.decorate('loginExtras', []);
  app.decorate('inventoryExtensions', createInventoryExtensions());
  app.addHook('onClose', async () => db.$client.close());

  await ensureFirstAdmin(db, config.adminPassword, app.log);

  await app.register(fastifyFormbody);
  await app.register(session);
  await app.register(views);
  await app.register(security);
  await app.register(auth);
  await app.register(errors);
  await app.register(assets);

  app.get('/healthz', { config: { access: 'public' } }, async function checkHealth(_request, reply) {
    try {
      db.$client.prepare('select 1').get();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  await app.register(loginRoutes);
  await app.register(userRoutes);
  await app.register(eventRoutes);
  await app.register(dashboardRoutes);
  await app.register(integrationRoutes);
  await app.register(inventoryRoutes);
  await app.register(googleFeature);
  await app.register(apiKeyRoutes);
  await app.register(userSideFeature, deps.userSide ?? {});
  await app.register(externalApi, { prefix: '/api', rateLimitPerMinute: deps.apiRateLimitPerMinute });
  return app;
}

/**
 * The router's own refusals (a path part over maxParamLength, broken
 * percent-encoding) come before any hook or handler: answered here, in the
 * API's error shape under /api/.
 */
function answerRouterError(_error: Error, request: FastifyRequest, reply: FastifyReply) {
  const message = 'This address is not valid.';
  if (request.url.startsWith('/api/')) return reply.code(400).send({ error: { code: 'invalid_request', message: `path: ${message}` } });
  return reply.code(400).type('text/plain; charset=utf-8').send(message);
}
