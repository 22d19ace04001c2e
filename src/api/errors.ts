import type { FastifyReply, FastifySchemaValidationError } from 'fastify';
import type { FieldErrors } from '../lib/form.js';

/** The one error shape of the External API: {"error": {"code", "message"}}. */
export function sendApiError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/** Field messages of the input checks, each prefixed with its field name. */
export function sendFieldErrors(reply: FastifyReply, status: 400 | 409, errors: FieldErrors): FastifyReply {
  const message = Object.entries(errors).map(([field, text]) => `${field}: ${text}`).join('; ');
  return sendApiError(reply, status, status === 400 ? 'invalid_request' : 'conflict', message);
}

/** Schema validation errors as "field: what is wrong", so a client knows which field to fix. */
export function formatSchemaError(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`${dataVar}: is invalid`);
  const params = first.params as Record<string, unknown>;
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (typeof params.missingProperty === 'string') return new Error(`${[path, params.missingProperty].filter(Boolean).join('.')}: is required`);
  if (Array.isArray(params.allowedValues)) return new Error(`${path || dataVar}: must be one of ${params.allowedValues.join(', ')}`);
  return new Error(`${path || dataVar}: ${first.message ?? 'is invalid'}`);
}
