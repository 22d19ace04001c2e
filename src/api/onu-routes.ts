import type { FastifyInstance } from 'fastify';
import { recordEvent } from '../events/record.js';
import { parseOnuInput, type RawInput } from '../inventory/onu-input.js';
import { createInventoryRepository, type OnuWithOlt } from '../inventory/repository.js';
import { apiActor } from './auth.js';
import { createChangeCache } from './change-cache.js';
import { sendApiError, sendFieldErrors } from './errors.js';
import { decodeOnuCursor, encodeOnuCursor, toOnuJson } from './json.js';
import { errorResponses, idParams, ONU_EXAMPLE, onuCreateBody, onuListQuery, onuPatchBody, onuSchema } from './schemas.js';

interface OnuListQuery {
  search?: string;
  olt?: number;
  limit: number;
  cursor?: string;
}

const TAGS = ['ONUs'];

/** /api/v1/onus: list, get, create, patch, delete. */
export async function onuApiRoutes(app: FastifyInstance) {
  // One for the app: it reads the extensions' search conditions when it searches, so later ones count too.
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);

  function onuJson(onus: OnuWithOlt[]) {
    const customers = app.inventoryExtensions.customerJson(onus.map((onu) => onu.id));
    return onus.map((onu) => toOnuJson(onu, customers.get(onu.id) ?? null));
  }

  // Serialized pages, until the next database write: polling clients mostly ask for the same pages.
  const pages = createChangeCache<string>(app.db, 100);

  const noSuchOnu = (id: number) => `No ONU with id ${id}`;

  app.get<{ Querystring: OnuListQuery }>('/onus', {
    schema: {
      tags: TAGS,
      summary: 'List ONUs',
      description: 'ONUs in id order, a page at a time. Pass the answer\'s `nextCursor` as `cursor` for the next page; it is null on the last page.',
      querystring: onuListQuery,
      response: {
        200: {
          description: 'A page of ONUs',
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: { items: { type: 'array', items: onuSchema }, nextCursor: { type: ['string', 'null'] } },
          examples: [{ items: [ONU_EXAMPLE], nextCursor: encodeOnuCursor(42) }],
        },
        ...errorResponses(),
      },
    },
  }, async function listOnus(request, reply) {
    const { search, olt, limit, cursor } = request.query;
    const afterId = cursor === undefined ? undefined : decodeOnuCursor(cursor);
    if (afterId === null) return sendApiError(reply, 400, 'invalid_request', 'cursor: is not a cursor this API gave out; pass nextCursor of the previous page');
    const json = pages.get(JSON.stringify([search, olt, limit, afterId]), () => {
      // One more than asked tells whether a next page exists.
      const page = inventory.listOnus({ search, oltId: olt, afterId, limit: limit + 1 });
      const items = page.slice(0, limit);
      const nextCursor = page.length > limit ? encodeOnuCursor(items[items.length - 1]!.id) : null;
      return reply.serialize({ items: onuJson(items), nextCursor }) as string;
    });
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get<{ Params: { id: number } }>('/onus/:id', {
    schema: {
      tags: TAGS,
      summary: 'Get one ONU',
      description: 'One ONU with its OLT, position and linked UserSide customer.',
      params: idParams,
      response: { 200: { description: 'The ONU', ...onuSchema, examples: [ONU_EXAMPLE] }, ...errorResponses(404) },
    },
  }, async function getOnu(request, reply) {
    const onu = inventory.findOnu(request.params.id);
    if (!onu) return sendApiError(reply, 404, 'not_found', noSuchOnu(request.params.id));
    return onuJson([onu])[0];
  });

  app.post<{ Body: RawInput }>('/onus', {
    schema: {
      tags: TAGS,
      summary: 'Create an ONU',
      description: 'Needs a "Read and write" key. Give a MAC, a serial number or both, in any common form; they are stored normalised. The position must be free on the OLT, the MAC and the serial number unused.',
      body: onuCreateBody,
      response: { 201: { description: 'The new ONU', ...onuSchema, examples: [ONU_EXAMPLE] }, ...errorResponses(403, 409) },
    },
  }, async function createOnu(request, reply) {
    const parsed = parseOnuInput(request.body);
    if (!parsed.ok) return sendFieldErrors(reply, 400, parsed.errors);
    const { oltId, ...conflicts } = inventory.onuConflicts(parsed.value);
    if (oltId) return sendFieldErrors(reply, 400, { oltId: `No OLT with id ${parsed.value.oltId}` });
    if (Object.keys(conflicts).length) return sendFieldErrors(reply, 409, conflicts);
    const created = inventory.createOnu(parsed.value);
    recordEvent(app.db, { kind: 'onu.created', actor: apiActor(request), message: `Created ONU #${created.id} "${created.name}" through the API`, ip: request.ip });
    reply.code(201).header('Location', `/api/v1/onus/${created.id}`);
    return onuJson([inventory.findOnu(created.id)!])[0];
  });

  app.patch<{ Params: { id: number }; Body: RawInput }>('/onus/:id', {
    schema: {
      tags: TAGS,
      summary: 'Change an ONU',
      description: 'Needs a "Read and write" key. Send only the fields to change; `null` clears the MAC or the serial number (one of them must remain).',
      params: idParams,
      body: onuPatchBody,
      response: { 200: { description: 'The ONU as changed', ...onuSchema, examples: [ONU_EXAMPLE] }, ...errorResponses(403, 404, 409) },
    },
  }, async function updateOnu(request, reply) {
    const existing = inventory.findOnu(request.params.id);
    if (!existing) return sendApiError(reply, 404, 'not_found', noSuchOnu(request.params.id));
    const parsed = parseOnuInput({ ...existing, ...request.body });
    if (!parsed.ok) return sendFieldErrors(reply, 400, parsed.errors);
    const { oltId, ...conflicts } = inventory.onuConflicts(parsed.value, existing.id);
    if (oltId) return sendFieldErrors(reply, 400, { oltId: `No OLT with id ${parsed.value.oltId}` });
    if (Object.keys(conflicts).length) return sendFieldErrors(reply, 409, conflicts);
    inventory.updateOnu(existing.id, parsed.value);
    recordEvent(app.db, { kind: 'onu.updated', actor: apiActor(request), message: `Changed ONU #${existing.id} "${parsed.value.name}" through the API`, ip: request.ip });
    return onuJson([inventory.findOnu(existing.id)!])[0];
  });

  app.delete<{ Params: { id: number } }>('/onus/:id', {
    schema: {
      tags: TAGS,
      summary: 'Delete an ONU',
      description: 'Needs a "Read and write" key. Answers 204 with no body.',
      params: idParams,
      response: { 204: { description: 'Deleted', type: 'null' }, ...errorResponses(403, 404) },
    },
  }, async function deleteOnu(request, reply) {
    const existing = inventory.findOnu(request.params.id);
    if (!existing || !inventory.deleteOnu(existing.id)) return sendApiError(reply, 404, 'not_found', noSuchOnu(request.params.id));
    recordEvent(app.db, { kind: 'onu.deleted', actor: apiActor(request), message: `Deleted ONU #${existing.id} "${existing.name}" through the API`, ip: request.ip });
    return reply.code(204).send();
  });
}
