import type { FastifyReply, FastifyRequest } from 'fastify';

/** The positive whole number in `:id`, or a 404 for anything else. */
export function idParam(request: FastifyRequest, what: string): number {
  const text = (request.params as { id?: string }).id ?? '';
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || id < 1) throw Object.assign(new Error(`No such ${what}.`), { statusCode: 404 });
  return id;
}

export function notFound(what: string): Error {
  return Object.assign(new Error(`No such ${what}.`), { statusCode: 404 });
}

/** After a successful action: a redirect, or for htmx a client-side one (the flash shows on the next page). */
export function redirectAfterAction(request: FastifyRequest, reply: FastifyReply, url: string) {
  if (request.isHtmx) return reply.header('HX-Redirect', url).code(204).send();
  return reply.redirect(url);
}

/** A positive whole number from the query string, or undefined. */
export function positiveQueryNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

