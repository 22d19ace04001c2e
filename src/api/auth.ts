import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyVerifier, VerifiedApiKey } from '../apikeys/verify.js';
import type { Actor } from '../events/record.js';
import { sendApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key that authenticated this External API request. */
    apiKey: VerifiedApiKey | null;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UNAUTHORIZED_MESSAGE = 'A valid API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".';

/** The key a client sent ('' when a header is there but malformed), or null when none. */
export function presentedApiKey(headers: FastifyRequest['headers']): string | null {
  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' && /^Bearer\b/i.test(authorization);
  if (bearer) return /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
  const header = headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  // Another scheme (a proxy's Basic, say) without X-API-Key: no key.
  return typeof authorization === 'string' ? '' : null;
}

/**
 * Every External API request carries a usable key. Missing, malformed,
 * unknown, expired and revoked keys get the very same answer, so the answer
 * tells a guesser nothing.
 */
export function apiKeyAuthentication(verifier: ApiKeyVerifier) {
  return async function authenticateApiKey(request: FastifyRequest, reply: FastifyReply) {
    const presented = presentedApiKey(request.headers);
    const key = presented ? verifier.verifyApiKey(presented) : null;
    if (!key) {
      reply.header('WWW-Authenticate', 'Bearer');
      return sendApiError(reply, 401, 'unauthorized', UNAUTHORIZED_MESSAGE);
    }
    request.apiKey = key;
    verifier.recordApiKeyUse(key, request.ip);
  };
}

/** Writes (anything but GET/HEAD/OPTIONS) need a "Read and write" key. */
export async function requireWriteAccessForWrites(request: FastifyRequest, reply: FastifyReply) {
  if (READ_METHODS.has(request.method) || request.apiKey?.access === 'write') return;
  return sendApiError(reply, 403, 'forbidden', 'This API key is read only: writing needs a key with "Read and write" access.');
}

/** Who the event log names for a change made through the API. */
export function apiActor(request: FastifyRequest): Actor {
  return { id: null, name: `api-key:${request.apiKey?.name ?? 'unknown'}` };
}
