import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createUserRepository, type User } from '../accounts/repository.js';
import type { Actor } from '../events/record.js';
import { SESSION_IDLE_MS } from './session.js';

/** Who may use a route: anyone, any signed-in user, or admins only. */
export type Access = 'public' | 'signed-in' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: User | null;
    actor(): Actor;
  }
}

const PUBLIC_PREFIXES = ['/api/', '/assets/', '/vendor/'];

export class ForbiddenError extends Error {
  statusCode = 403;
}

/** Loads the signed-in user from the session and enforces each route's `access`. */
export default fp(async function auth(app) {
  const users = createUserRepository(app.db);
  app.decorateRequest('user', null);
  app.decorateRequest('actor', function (this: FastifyRequest): Actor {
    return this.user ? { id: this.user.id, name: this.user.username } : { id: null, name: 'anonymous' };
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unmatched routes (404) and the External API (its own key auth) are not ours.
    if (!request.routeOptions.url || PUBLIC_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return;
    request.user = currentUser(request, users);
    const access = request.routeOptions.config.access ?? 'signed-in';
    if (access === 'public') return;
    if (!request.user) {
      if (request.isHtmx) return reply.header('HX-Redirect', '/login').code(401).send();
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/login${next}`);
    }
    if (access === 'admin' && request.user.role !== 'admin') throw new ForbiddenError('This page is for administrators only.');
  });
}, { name: 'auth', dependencies: ['session'] });

function currentUser(request: FastifyRequest, users: ReturnType<typeof createUserRepository>): User | null {
  const { session } = request;
  const userId = session.get('userId');
  if (typeof userId !== 'number') return null;
  const now = request.server.now().getTime();
  const seenAt = session.get('seenAt') ?? 0;
  const user = users.findById(userId);
  if (!user || !user.active || user.sessionEpoch !== session.get('epoch') || now - seenAt > SESSION_IDLE_MS) {
    // Emptied, not deleted: a deleted session's cookie is cleared at the end of this request, taking with it the
    // CSRF secret of the sign-in form this request may render.
    session.regenerate();
    return null;
  }
  if (now - seenAt > 60_000) session.set('seenAt', now);
  return user;
}

/** Signs the user in on this session (a fresh session: nothing carried over from before). */
export function startSession(request: FastifyRequest, user: User): void {
  request.session.regenerate();
  request.session.set('userId', user.id);
  request.session.set('epoch', user.sessionEpoch);
  request.session.set('seenAt', request.server.now().getTime());
}

export function endSession(request: FastifyRequest): void {
  request.session.delete();
}
