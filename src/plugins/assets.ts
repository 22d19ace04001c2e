import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectPath } from '../lib/project-path.js';

const require = createRequire(import.meta.url);

/** Our stylesheet and script from public/, htmx and Pico from their npm packages. */
export default fp(async function assets(app) {
  await app.register(fastifyStatic, { root: projectPath('public'), prefix: '/assets/', maxAge: '1h' });
  await app.register(fastifyStatic, {
    root: path.dirname(require.resolve('htmx.org/dist/htmx.min.js')),
    prefix: '/vendor/htmx/',
    allowedPath: (p) => p === '/htmx.min.js',
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(path.dirname(require.resolve('@picocss/pico/package.json')), 'css'),
    prefix: '/vendor/pico/',
    allowedPath: (p) => p === '/pico.classless.min.css',
    decorateReply: false,
    maxAge: '1d',
  });
}, { name: 'assets' });
