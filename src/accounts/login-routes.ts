import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import { createFailureLimiter } from '../lib/failure-limiter.js';
import { formString } from '../lib/form.js';
import { verifyPassword } from '../lib/password.js';
import { endSession, startSession } from '../plugins/auth.js';
import { createUserRepository } from './repository.js';

const WINDOW_MS = 15 * 60 * 1000;
const INVALID = 'Invalid username or password';

declare module 'fastify' {
  interface FastifyInstance {
    /** Extra things the login page shows (the Google button), filled by other features. */
    loginExtras: Array<(request: FastifyRequest) => Promise<Record<string, unknown>>>;
  }
}

export async function loginRoutes(app: FastifyInstance) {
  const users = createUserRepository(app.db);
  const byUsername = createFailureLimiter({ limit: 5, windowMs: WINDOW_MS });
  const byIp = createFailureLimiter({ limit: 20, windowMs: WINDOW_MS });

  async function renderLogin(request: FastifyRequest, data: Record<string, unknown>) {
    const extras = Object.assign({}, ...(await Promise.all(app.loginExtras.map((extra) => extra(request)))));
    return { title: 'Sign in', username: '', error: null, next: safeNext((request.query as Record<string, unknown>)?.next), ...extras, ...data };
  }

  app.get('/login', { config: { access: 'public' } }, async function showLoginPage(request, reply) {
    if (request.session.get('userId') && currentUserIsValid(request)) return reply.redirect('/');
    const reason = request.session.get('loginError') as string | undefined;
    if (reason) request.session.set('loginError', undefined);
    return reply.page('accounts/login', await renderLogin(request, { error: reason ?? null }));
  });

  app.post('/login', { config: { access: 'public' } }, async function signIn(request, reply) {
    const body = request.body as Record<string, unknown>;
    const username = formString(body, 'username').slice(0, 200);
    const password = formString(body, 'password', { trim: false }).slice(0, 1000);
    const next = safeNext(formString(body, 'next'));
    const userKey = username.toLowerCase();
    const wait = Math.max(byUsername.retryAfterMs(userKey), byIp.retryAfterMs(request.ip));
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      reply.header('Retry-After', Math.ceil(wait / 1000)).code(429);
      recordEvent(app.db, { kind: 'signin.locked', actor: { id: null, name: username || 'anonymous' }, message: 'Sign-in refused: too many failed attempts', ip: request.ip });
      return reply.page('accounts/login', await renderLogin(request, {
        username, next, error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      }));
    }
    const user = username ? users.findByUsername(username) : undefined;
    // Counted as a failure before the (slow) check, so parallel guesses cannot slip past the limit.
    byUsername.fail(userKey);
    byIp.fail(request.ip);
    const passwordOk = await verifyPassword(password, user?.passwordHash);
    if (!user || !passwordOk || !user.active) {
      const why = !user ? 'unknown user' : !passwordOk ? 'wrong password' : 'account deactivated';
      recordEvent(app.db, { kind: 'signin.failed', actor: { id: user?.id ?? null, name: username || 'anonymous' }, message: `Password sign-in refused (${why})`, ip: request.ip });
      reply.code(401);
      return reply.page('accounts/login', await renderLogin(request, { username, next, error: user && passwordOk ? 'This account is deactivated' : INVALID }));
    }
    byUsername.reset(userKey);
    byIp.forgetLast(request.ip);
    users.update(user.id, { lastSignInAt: app.now() });
    startSession(request, user);
    recordEvent(app.db, { kind: 'signin', actor: { id: user.id, name: user.username }, message: 'Signed in with password', ip: request.ip });
    return reply.redirect(next);
  });

  app.post('/logout', { config: { access: 'public' } }, async function signOut(request, reply) {
    const userId = request.session.get('userId');
    const user = typeof userId === 'number' ? users.findById(userId) : undefined;
    if (user) recordEvent(app.db, { kind: 'signout', actor: { id: user.id, name: user.username }, message: 'Signed out', ip: request.ip });
    endSession(request);
    return reply.redirect('/login');
  });

  function currentUserIsValid(request: FastifyRequest): boolean {
    const user = users.findById(request.session.get('userId') as number);
    return !!user && user.active && user.sessionEpoch === request.session.get('epoch');
  }
}

/** Only local paths: never an open redirect. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}
