import type { FastifyInstance } from 'fastify';
import { formatPosition } from './onu-input.js';
import { onuLabel } from './onu-routes.js';
import { createInventoryRepository } from './repository.js';
import { formatUtc } from '../lib/utc-time.js';
import { idParam, notFound } from './route-helpers.js';

/** /onus/:id: the header, the "Information" block, then the blocks other features add (UserSide). */
export async function onuPageRoutes(app: FastifyInstance) {
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);

  app.get('/onus/:id', async function showOnuPage(request, reply) {
    const onu = inventory.findOnu(idParam(request, 'ONU'));
    if (!onu) throw notFound('ONU');
    const blocks = [];
    for (const block of app.inventoryExtensions.onuPageBlocks) {
      const shown = await block(onu);
      if (shown) blocks.push(shown);
    }
    return reply.page('inventory/onu', {
      title: `ONU ${onuLabel(onu)}`,
      onu,
      label: onuLabel(onu),
      position: formatPosition(onu),
      createdAt: formatUtc(onu.createdAt),
      blocks,
    });
  });
}
