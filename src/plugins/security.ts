import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { isHttps } from '../config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Security headers, the CSRF check on every state-changing form post, and rate limiting. */
export default fp(async function security(app) {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'", 'https:', ...(isHttps(app.config) ? [] : ['http:'])],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: isHttps(app.config) ? [] : null,
      },
    },
    hsts: isHttps(app.config),
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/secure-session' });

  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || request.url.startsWith('/api/') || !request.routeOptions.url) return done();
    app.csrfProtection(request, reply, done);
  });
}, { name: 'security', dependencies: ['session'] });
