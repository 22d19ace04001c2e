import type { FastifyInstance } from 'fastify';
import { importRoutes } from './import-routes.js';
import { oltRoutes } from './olt-routes.js';
import { onuPageRoutes } from './onu-page.js';
import { onuRoutes } from './onu-routes.js';

/** Every inventory page: /olts, /onus, the ONU page, the CSV import and export. Operators may use them all. */
export async function inventoryRoutes(app: FastifyInstance) {
  await app.register(oltRoutes);
  await app.register(onuRoutes);
  await app.register(onuPageRoutes);
  await app.register(importRoutes);
}
