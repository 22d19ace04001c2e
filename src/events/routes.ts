import type { FastifyInstance } from 'fastify';
import { listEventActors, listEventKinds, listEvents } from './record.js';

const PAGE_SIZE = 50;

export async function eventRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { kind?: string; user?: string; before?: string } }>('/events', async function showEventLog(request, reply) {
    const { kind, user } = request.query;
    const before = Number(request.query.before);
    const rows = listEvents(app.db, {
      kind: typeof kind === 'string' && kind ? kind : undefined,
      actor: typeof user === 'string' && user ? user : undefined,
      beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE_SIZE + 1,
    });
    const page = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? page[page.length - 1]!.id : null;
    return reply.page('events/list', {
      title: 'Event logs',
      events: page,
      kinds: listEventKinds(app.db),
      actors: listEventActors(app.db),
      filter: { kind: kind ?? '', user: user ?? '' },
      nextQuery: next ? new URLSearchParams({ ...(kind ? { kind } : {}), ...(user ? { user } : {}), before: String(next) }).toString() : null,
    });
  });
}
