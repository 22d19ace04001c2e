import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isStorageFailure } from '../lib/storage-failure.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in required',
  403: 'Forbidden',
  404: 'Page not found',
  413: 'Too large',
  429: 'Too many requests',
};

function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** One error handler: logs the details, shows a 5xx only its reference id, JSON for /api/. */
export default fp(async function errors(app) {
  app.setErrorHandler(function handleError(error: FastifyError, request, reply) {
    const storage = isStorageFailure(error);
    const status = storage ? 503 : error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (storage) request.log.error({ ref: request.id, code: error.code }, `database cannot be written: ${error.message}`);
    else if (status >= 500) request.log.error({ err: error, ref: request.id }, 'request failed');
    else request.log.info({ status, code: error.code }, error.message);
    let message = status >= 500 ? `Something went wrong on our side. Reference: ${request.id}` : error.message;
    if (storage) message = `The database cannot be written right now (disk full or read-only), so nothing was saved. Reading still works. Reference: ${request.id}`;
    if (error.code?.startsWith('FST_CSRF')) message = 'The form expired or did not come from this site. Reload the page and try again.';
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') message = 'body: is not valid JSON';
    if (isApiRequest(request)) {
      return reply.status(status).send({ error: { code: apiErrorCode(status, error), message } });
    }
    return renderError(reply, status, message);
  });

  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 120, timeWindow: '1 minute' }) }, function handleNotFound(request, reply) {
    if (isApiRequest(request)) {
      return reply.status(404).send({ error: { code: 'not_found', message: 'Not found' } });
    }
    return renderError(reply, 404, 'There is nothing at this address.');
  });
}, { name: 'errors', dependencies: ['views'] });

function apiErrorCode(status: number, error: FastifyError): string {
  if (error.validation || (status === 400 && error.code?.startsWith('FST_ERR_CTP_'))) return 'invalid_request';
  return ({ 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'too_large', 503: 'storage_unavailable', 415: 'unsupported_media_type', 429: 'rate_limited' } as Record<number, string>)[status] ?? 'internal_error';
}

export function renderError(reply: FastifyReply, status: number, message: string) {
  const title = TITLES[status] ?? (status >= 500 ? 'Server error' : 'Error');
  // htmx does not swap error answers; public/app.js shows their message in the flash area.
  reply.status(status);
  return reply.page('errors/error', { title, status, message });
}
