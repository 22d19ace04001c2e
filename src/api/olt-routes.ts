import type { FastifyInstance } from 'fastify';
import { recordEvent } from '../events/record.js';
import { parseOltInput, type RawInput } from '../inventory/onu-input.js';
import { createInventoryRepository } from '../inventory/repository.js';
import { apiActor } from './auth.js';
import { sendFieldErrors } from './errors.js';
import { toOltJson } from './json.js';
import { errorResponses, OLT_EXAMPLE, oltCreateBody, oltSchema } from './schemas.js';

const TAGS = ['OLTs'];

/** /api/v1/olts: list and create. */
export async function oltApiRoutes(app: FastifyInstance) {
  // One for the app: it reads the extensions' search conditions when it searches, so later ones count too.
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);

  app.get('/olts', {
    schema: {
      tags: TAGS,
      summary: 'List OLTs',
      description: 'Every OLT by name, with the number of ONUs on it.',
      response: {
        200: { description: 'Every OLT', type: 'object', required: ['items'], properties: { items: { type: 'array', items: oltSchema } }, examples: [{ items: [OLT_EXAMPLE] }] },
        ...errorResponses(),
      },
    },
  }, async function listOlts() {
    return { items: inventory.listOlts().map((olt) => toOltJson(olt, olt.onuCount)) };
  });

  app.post<{ Body: RawInput }>('/olts', {
    schema: {
      tags: TAGS,
      summary: 'Create an OLT',
      description: 'Needs a "Read and write" key. The name must be unused (case-insensitive); `model` is one of the supported models.',
      body: oltCreateBody,
      response: { 201: { description: 'The new OLT', ...oltSchema, examples: [{ ...OLT_EXAMPLE, onuCount: 0 }] }, ...errorResponses(403, 409) },
    },
  }, async function createOlt(request, reply) {
    const parsed = parseOltInput(request.body);
    if (!parsed.ok) return sendFieldErrors(reply, 400, parsed.errors);
    const sameName = inventory.findOltByName(parsed.value.name);
    if (sameName) return sendFieldErrors(reply, 409, { name: `An OLT named "${sameName.name}" exists (OLT #${sameName.id})` });
    const olt = inventory.createOlt(parsed.value);
    recordEvent(app.db, { kind: 'olt.created', actor: apiActor(request), message: `Created OLT "${olt.name}" (${olt.model}) through the API`, ip: request.ip });
    return reply.code(201).send(toOltJson(olt, 0));
  });
}
