import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { olts, onus } from '../db/schema.js';
import { listEvents } from '../events/record.js';

export async function dashboardRoutes(app: FastifyInstance) {
  app.get('/', async function showDashboard(_request, reply) {
    const count = (table: typeof olts | typeof onus) => app.db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;
    return reply.page('dashboard', {
      title: 'Dashboard',
      oltCount: count(olts),
      onuCount: count(onus),
      recentEvents: listEvents(app.db, { limit: 10 }),
    });
  });
}
