import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createUserRepository } from '../accounts/repository.js';
import { recordEvent, type Actor } from '../events/record.js';
import { startSession } from '../plugins/auth.js';
import { findOrCreateGoogleUser } from './google-account.js';
import type { GoogleIdentity, SignInResult } from './oidc.js';
import { beginGoogleRoundTrip, takeGoogleRoundTrip } from './round-trip.js';
import { activeGoogle, saveGoogleVerification } from './settings.js';

const open = { config: { access: 'public' as const } };
const CARD_URL = '/settings/integration#card-google';

/** GET /auth/google and its callback; both answer 404 unless Google sign-in is active. */
export async function googleSignInRoutes(app: FastifyInstance) {
  const users = createUserRepository(app.db);

  function refuse(request: FastifyRequest, reply: FastifyReply, reason: string, actor: Actor) {
    recordEvent(app.db, { kind: 'signin.failed', actor, message: `Google sign-in refused: ${reason}`, ip: request.ip });
    request.session.set('loginError', reason);
    return reply.redirect('/login');
  }

  app.get('/auth/google', open, async function startGoogleSignIn(request, reply) {
    const google = activeGoogle(app);
    if (!google) return reply.callNotFound();
    const started = await beginGoogleRoundTrip(request, google, 'signin');
    if (!started.ok) return refuse(request, reply, started.reason, request.actor());
    return reply.redirect(started.url);
  });

  app.get('/auth/google/callback', open, async function finishGoogleSignIn(request, reply) {
    const google = activeGoogle(app);
    if (!google) return reply.callNotFound();
    const roundTrip = takeGoogleRoundTrip(request);
    const result = await google.oidc.finishSignIn({
      currentUrl: new URL(request.url, app.config.publicUrl),
      state: roundTrip?.state ?? '',
      nonce: roundTrip?.nonce ?? '',
      codeVerifier: roundTrip?.codeVerifier ?? '',
      allowedDomains: google.settings.domains,
    });
    if (roundTrip?.purpose === 'verify') return finishVerification(request, reply, result);
    if (!result.ok) return refuse(request, reply, result.reason, { id: null, name: result.email ?? 'anonymous' });
    return signInAs(request, reply, result.identity);
  });

  function signInAs(request: FastifyRequest, reply: FastifyReply, identity: GoogleIdentity) {
    let account: ReturnType<typeof findOrCreateGoogleUser>;
    try {
      account = findOrCreateGoogleUser(users, identity);
    } catch (error) {
      request.log.error({ err: error }, 'could not set up the account of a Google sign-in');
      return refuse(request, reply, 'Google sign-in failed: the EasyPON account could not be set up, try again', { id: null, name: identity.email });
    }
    if (!account.ok) return refuse(request, reply, account.reason, { id: account.user?.id ?? null, name: account.user?.username ?? identity.email });
    const { user } = account;
    const actor = { id: user.id, name: user.username };
    if (account.created) {
      recordEvent(app.db, { kind: 'user.created', actor, message: `Created operator "${user.username}" on the first Google sign-in of ${identity.email}`, ip: request.ip });
    } else if (account.bound) {
      recordEvent(app.db, { kind: 'user.google-bound', actor, message: `Bound the Google account ${identity.email} to "${user.username}"`, ip: request.ip });
    }
    users.update(user.id, { lastSignInAt: app.now() });
    startSession(request, user);
    recordEvent(app.db, { kind: 'signin', actor, message: `Signed in with Google (${identity.email})`, ip: request.ip });
    return reply.redirect('/');
  }

  function finishVerification(request: FastifyRequest, reply: FastifyReply, result: SignInResult) {
    const admin = request.user?.role === 'admin' && request.user.active ? request.user : null;
    if (!admin) {
      request.session.set('loginError', 'Sign in as an administrator to verify Google Authorization');
      return reply.redirect('/login');
    }
    const message = result.ok ? `Google Authorization verified for ${result.identity.email}` : result.reason;
    saveGoogleVerification(app, { ok: result.ok, message, by: admin.username, at: app.now().toISOString() });
    recordEvent(app.db, {
      kind: 'google.verify',
      actor: request.actor(),
      message: result.ok ? message : `Google Authorization verification failed: ${message}`,
      ip: request.ip,
    });
    reply.flash(result.ok ? 'success' : 'error', message);
    return reply.redirect(CARD_URL);
  }
}
