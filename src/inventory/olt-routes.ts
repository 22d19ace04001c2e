import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import type { FieldErrors, FormBody } from '../lib/form.js';
import { formString } from '../lib/form.js';
import { OLT_MODELS } from './olt-models.js';
import { parseOltInput, type OltInput } from './onu-input.js';
import { createInventoryRepository, type Olt } from './repository.js';
import { idParam, notFound, redirectAfterAction } from './route-helpers.js';

const EMPTY_OLT: OltInput = { name: '', model: '', host: '', description: '' };

function typedOlt(body: FormBody): OltInput {
  return { name: formString(body, 'name'), model: formString(body, 'model'), host: formString(body, 'host'), description: formString(body, 'description') };
}

/** /olts: the list with ONU counts, add, edit, delete (refused while the OLT has ONUs). */
export async function oltRoutes(app: FastifyInstance) {
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);

  function findOlt(request: FastifyRequest): Olt {
    const olt = inventory.findOlt(idParam(request, 'OLT'));
    if (!olt) throw notFound('OLT');
    return olt;
  }

  function nameTaken(name: string, exceptId?: number): FieldErrors {
    const other = inventory.findOltByName(name);
    return other && other.id !== exceptId ? { name: 'An OLT with this name already exists' } : {};
  }

  function renderOltList(request: FastifyRequest, reply: FastifyReply, form: OltInput = EMPTY_OLT, errors: FieldErrors = {}) {
    const data = { title: 'OLT', olts: inventory.listOlts(), models: OLT_MODELS, form, errors, action: '/olts', submitLabel: 'Add OLT' };
    if (request.isHtmx && Object.keys(errors).length) return reply.fragment('inventory/olt-form', data);
    return reply.page('inventory/olts', data);
  }

  function renderOltEdit(request: FastifyRequest, reply: FastifyReply, olt: Olt, form: OltInput, errors: FieldErrors = {}) {
    const data = { title: `Edit OLT ${olt.name}`, olt, models: OLT_MODELS, form, errors, action: `/olts/${olt.id}`, submitLabel: 'Save' };
    if (request.isHtmx && Object.keys(errors).length) return reply.fragment('inventory/olt-form', data);
    return reply.page('inventory/olt-edit', data);
  }

  app.get('/olts', async function showOltList(request, reply) {
    return renderOltList(request, reply);
  });

  app.post('/olts', async function createOlt(request, reply) {
    const typed = typedOlt(request.body as FormBody);
    const parsed = parseOltInput({ ...typed });
    const errors = parsed.ok ? nameTaken(parsed.value.name) : parsed.errors;
    if (!parsed.ok || Object.keys(errors).length) return renderOltList(request, reply.code(400), typed, errors);
    const olt = inventory.createOlt(parsed.value);
    recordEvent(app.db, { kind: 'olt.created', actor: request.actor(), message: `Added OLT "${olt.name}" (${olt.model})`, ip: request.ip }, app.now());
    reply.flash('success', `OLT "${olt.name}" added.`);
    return redirectAfterAction(request, reply, '/olts');
  });

  app.get('/olts/:id/edit', async function showOltEditForm(request, reply) {
    const olt = findOlt(request);
    return renderOltEdit(request, reply, olt, { name: olt.name, model: olt.model, host: olt.host, description: olt.description });
  });

  app.post('/olts/:id', async function saveOlt(request, reply) {
    const olt = findOlt(request);
    const typed = typedOlt(request.body as FormBody);
    const parsed = parseOltInput({ ...typed });
    const errors = parsed.ok ? nameTaken(parsed.value.name, olt.id) : parsed.errors;
    if (!parsed.ok || Object.keys(errors).length) return renderOltEdit(request, reply.code(400), olt, typed, errors);
    inventory.updateOlt(olt.id, parsed.value);
    const renamed = olt.name !== parsed.value.name ? ` (was "${olt.name}")` : '';
    recordEvent(app.db, { kind: 'olt.updated', actor: request.actor(), message: `Updated OLT "${parsed.value.name}"${renamed}`, ip: request.ip }, app.now());
    reply.flash('success', `OLT "${parsed.value.name}" saved.`);
    return redirectAfterAction(request, reply, '/olts');
  });

  app.post('/olts/:id/delete', async function deleteOlt(request, reply) {
    const olt = findOlt(request);
    const onuCount = inventory.countOnusOnOlt(olt.id);
    if (onuCount > 0) {
      reply.flash('error', `OLT "${olt.name}" still has ${onuCount} ONU${onuCount === 1 ? '' : 's'}; delete or move them first.`);
      return redirectAfterAction(request, reply, '/olts');
    }
    inventory.deleteOlt(olt.id);
    recordEvent(app.db, { kind: 'olt.deleted', actor: request.actor(), message: `Deleted OLT "${olt.name}"`, ip: request.ip }, app.now());
    reply.flash('success', `OLT "${olt.name}" deleted.`);
    return redirectAfterAction(request, reply, '/olts');
  });
}
