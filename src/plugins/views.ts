import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectPath } from '../lib/project-path.js';
import { navigationFor } from './navigation.js';

export interface Flash {
  type: 'success' | 'error';
  message: string;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a full page inside the layout, with the locals every page needs. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
    /** Renders a partial alone: the answer to an htmx request. */
    fragment(template: string, data?: Record<string, unknown>): FastifyReply;
    /** Stores a message shown once on the next page. */
    flash(type: Flash['type'], message: string): FastifyReply;
  }
  interface FastifyRequest {
    isHtmx: boolean;
  }
}

export default fp(async function views(app) {
  const development = process.env.NODE_ENV === 'development';
  const eta = new Eta({ views: projectPath('views'), cache: !development, autoTrim: false });
  // @fastify/view reconfigures Eta's cache from `production` on every render (its default: NODE_ENV=production):
  // without it every page would read and compile its templates again.
  await app.register(fastifyView, { engine: { eta }, templates: projectPath('views'), production: !development });

  app.decorateRequest('isHtmx', false);
  app.addHook('onRequest', async (request) => {
    request.isHtmx = request.headers['hx-request'] === 'true';
  });

  function locals(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>) {
    const user = request.user;
    return {
      title: 'EasyPON',
      user,
      nav: navigationFor(user, request.url),
      csrfToken: reply.generateCsrf(),
      flash: takeFlash(request),
      ...data,
    };
  }

  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    this.type('text/html; charset=utf-8');
    return this.view(template, locals(this.request, this, data));
  });
  app.decorateReply('fragment', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    this.type('text/html; charset=utf-8');
    return this.view(template, locals(this.request, this, data));
  });
  app.decorateReply('flash', function (this: FastifyReply, type: Flash['type'], message: string) {
    this.request.session.set('flash', { type, message });
    return this;
  });
}, { name: 'views', dependencies: ['session'] });

function takeFlash(request: FastifyRequest): Flash | null {
  const flash = request.session.get('flash') as Flash | undefined;
  if (!flash) return null;
  request.session.set('flash', undefined);
  return flash;
}
