import type { FastifyServerOptions } from 'fastify';

/**
 * The server's logger: credentials redacted from request headers, and only
 * the path of a URL logged (query strings carry OAuth codes and states).
 */
export function serverLoggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
    },
  };
}
