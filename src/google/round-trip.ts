import type { FastifyRequest } from 'fastify';
import { GoogleSignInError } from './oidc.js';
import type { ActiveGoogle } from './settings.js';

/** Why the round trip through Google was started: to sign in, or for the admin to check the settings. */
export type GoogleRoundTripPurpose = 'signin' | 'verify';

/** What the session keeps between /auth/google (or verify) and the callback; used once. */
export interface GoogleRoundTrip {
  state: string;
  nonce: string;
  codeVerifier: string;
  purpose: GoogleRoundTripPurpose;
}

const SESSION_KEY = 'googleRoundTrip';

/** Builds the provider URL and keeps state, nonce and PKCE verifier in the encrypted session. */
export async function beginGoogleRoundTrip(request: FastifyRequest, google: ActiveGoogle, purpose: GoogleRoundTripPurpose): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  try {
    const start = await google.oidc.startSignIn({ domains: google.settings.domains });
    const roundTrip: GoogleRoundTrip = { state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, purpose };
    request.session.set(SESSION_KEY, roundTrip);
    return { ok: true, url: start.url };
  } catch (error) {
    if (error instanceof GoogleSignInError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The round trip this session started, removed from the session so it cannot be replayed. */
export function takeGoogleRoundTrip(request: FastifyRequest): GoogleRoundTrip | null {
  const stored = request.session.get(SESSION_KEY) as Partial<GoogleRoundTrip> | undefined;
  if (stored !== undefined) request.session.set(SESSION_KEY, undefined);
  if (!stored || typeof stored.state !== 'string' || typeof stored.nonce !== 'string' || typeof stored.codeVerifier !== 'string') return null;
  return { state: stored.state, nonce: stored.nonce, codeVerifier: stored.codeVerifier, purpose: stored.purpose === 'verify' ? 'verify' : 'signin' };
}
