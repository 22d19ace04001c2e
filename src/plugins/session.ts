import fastifySecureSession from '@fastify/secure-session';
import fp from 'fastify-plugin';
import { isHttps } from '../config.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    userId: number;
    epoch: number;
    seenAt: number;
    flash: { type: 'success' | 'error'; message: string };
    [key: string]: unknown;
  }
}

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

/** Encrypted cookie session; the key is derived from DATA_DIR/secret.key. */
export default fp(async function session(app) {
  await app.register(fastifySecureSession, {
    key: app.secretKeys.session,
    cookieName: 'easypon_session',
    expiry: SESSION_IDLE_MS / 1000,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isHttps(app.config),
    },
  });
}, { name: 'session' });
