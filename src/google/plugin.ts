import type { FastifyInstance } from 'fastify';
import { googleCardRoutes } from './card-routes.js';
import { activeGoogle } from './settings.js';
import { googleSignInRoutes } from './signin-routes.js';

// A slow provider must not hold the login page: past this, the button shows and the flow reports any failure.
const LOGIN_PROBE_MS = 1500;

/** Google Authorization: the card's routes, the sign-in flow and the button on /login. */
export async function googleFeature(app: FastifyInstance) {
  await app.register(googleCardRoutes);
  await app.register(googleSignInRoutes);
  app.loginExtras.push(async function googleLoginButton() {
    const google = activeGoogle(app);
    if (!google) return {};
    const reachable = await Promise.race([
      google.oidc.startSignIn({ domains: google.settings.domains }).then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(resolve, LOGIN_PROBE_MS, true).unref()),
    ]);
    return reachable ? { googleSignIn: true } : { googleUnavailable: 'Google sign-in is unavailable right now' };
  });
}
