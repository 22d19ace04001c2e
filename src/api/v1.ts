import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiKeyVerifier } from '../apikeys/verify.js';
import { apiKeyAuthentication, requireWriteAccessForWrites } from './auth.js';
import { formatSchemaError, sendApiError } from './errors.js';
import { oltApiRoutes } from './olt-routes.js';
import { onuApiRoutes } from './onu-routes.js';
import { userSideRunApiRoutes } from './userside-runs.js';

export interface ApiV1Options {
  /** Requests a minute per key. */
  rateLimitPerMinute: number;
}

/** /api/v1: key authentication, the per-key rate limit, the write check, then the routes. */
export async function apiV1(app: FastifyInstance, options: ApiV1Options) {
  const verifier = createApiKeyVerifier(app.db, () => app.now());
  app.decorateRequest('apiKey', null);
  app.setSchemaErrorFormatter(formatSchemaError);

  // In this order: who is calling, how often, may it write.
  app.addHook('onRequest', apiKeyAuthentication(verifier));
  app.addHook('onRequest', app.rateLimit({
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `api-key:${request.apiKey!.id}`,
  }));
  app.addHook('onRequest', requireWriteAccessForWrites);
  app.addHook('preValidation', rejectNonDecimalIntegers);
  app.addHook('preValidation', rejectUnknownBodyFields);

  await app.register(onuApiRoutes);
  await app.register(oltApiRoutes);
  await app.register(userSideRunApiRoutes);
}

/**
 * Fastify's validator drops unknown fields silently and turns null into "" or
 * 0: a typo ("nmae") or a null where none is allowed deserves a 400 naming it.
 */
async function rejectUnknownBodyFields(request: FastifyRequest, reply: FastifyReply) {
  const properties = (request.routeOptions.schema?.body as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  const body = request.body as Record<string, unknown> | null;
  if (!properties || !body || typeof body !== 'object' || Array.isArray(body)) return;
  const unknown = Object.keys(body).find((field) => !Object.hasOwn(properties, field));
  if (unknown !== undefined) {
    return sendApiError(reply, 400, 'invalid_request', `${unknown}: is not a field of this request (fields: ${Object.keys(properties).join(', ')})`);
  }
  const nulled = Object.keys(body).find((field) => body[field] === null && ![properties[field]!.type].flat().includes('null'));
  if (nulled !== undefined) return sendApiError(reply, 400, 'invalid_request', `${nulled}: must not be null`);
}

/**
 * Ajv's coercion reads "1e400" as Infinity and "0x10" as 16, and lets Infinity
 * past integer and maximum checks: integers in the query and the path must be
 * written as plain decimal numbers.
 */
async function rejectNonDecimalIntegers(request: FastifyRequest, reply: FastifyReply) {
  const schema = request.routeOptions.schema;
  for (const [values, part] of [[request.query, schema?.querystring], [request.params, schema?.params]] as const) {
    const properties = (part as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
    if (!properties || !values || typeof values !== 'object') continue;
    for (const [name, property] of Object.entries(properties)) {
      const value = (values as Record<string, unknown>)[name];
      if (property.type === 'integer' && typeof value === 'string' && !/^-?\d{1,16}$/.test(value.trim())) {
        return sendApiError(reply, 400, 'invalid_request', `${name}: must be a whole number`);
      }
    }
  }
}
