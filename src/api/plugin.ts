import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createChangeCache } from './change-cache.js';
import { apiV1 } from './v1.js';

export interface ExternalApiOptions {
  /** Requests a minute per API key (default 600). */
  rateLimitPerMinute?: number;
}

export const DEFAULT_API_RATE_LIMIT_PER_MINUTE = 600;

// Swagger UI runs its own script and styles React elements inline: it gets its
// own policy, on its own routes only; the rest of the app keeps the strict one.
const DOCS_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const API_DESCRIPTION = `The External API of EasyPON: ONUs, OLTs and UserSide runs as JSON.

Every request carries an API key (Integration → API Keys) as \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`.
Missing, malformed, unknown, expired and revoked keys all get 401; a "Read only" key gets 403 on writes.
Each key may make a limited number of requests a minute; past it the answer is 429 with Retry-After.
Errors are \`{"error": {"code": "...", "message": "..."}}\`; invalid input gets 400 with the field named in the message.
Times are ISO 8601 in UTC.`;

/**
 * The External API under /api (registered with that prefix): /api/v1 and its
 * OpenAPI document, and the documentation at /api/docs. While the External API
 * switch is off, all of it answers exactly like an address that does not exist.
 */
export async function externalApi(app: FastifyInstance, options: ExternalApiOptions) {
  const switchState = createChangeCache<boolean>(app.db, 1);
  app.addHook('onRequest', async (_request, reply) => {
    if (!switchState.get('apikeys', () => app.integrations.get('apikeys').enabled)) return reply.callNotFound();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'EasyPON External API', version: '1.0.0', description: API_DESCRIPTION },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An EasyPON API key (epk_...) as a bearer token' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An EasyPON API key (epk_...)' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      tags: [
        { name: 'ONUs', description: 'The ONUs of the inventory, with their linked UserSide customer' },
        { name: 'OLTs', description: 'The OLTs of the inventory' },
        { name: 'UserSide runs', description: 'Imports and synchronizations from UserSide' },
      ],
    },
  });

  await app.register(apiV1, { prefix: '/v1', rateLimitPerMinute: options.rateLimitPerMinute ?? DEFAULT_API_RATE_LIMIT_PER_MINUTE });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async function showOpenApiDocument() {
    return app.swagger();
  });

  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // This plugin sits under /api: the page's links to its assets need the whole path.
    indexPrefix: '/api',
    theme: { title: 'EasyPON External API documentation' },
    staticCSP: DOCS_CSP,
    validatorUrl: false,
    uiConfig: { deepLinking: true, tryItOutEnabled: false },
  });
}
