import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import type { FieldErrors, FormBody } from '../lib/form.js';
import { formString } from '../lib/form.js';
import { formatPosition, parseOnuInput } from './onu-input.js';
import { onuListQuery, onuListUrl, type OnuListQuery } from './onu-list-query.js';
import { createInventoryRepository, type OnuWithOlt } from './repository.js';
import { idParam, notFound, redirectAfterAction } from './route-helpers.js';

export const ONU_PAGE_SIZE = 50;
const ONU_FIELDS = ['oltId', 'shelf', 'slot', 'port', 'number', 'name', 'mac', 'sn', 'description'] as const;
type OnuForm = Record<(typeof ONU_FIELDS)[number], string>;

function typedOnu(body: FormBody): OnuForm {
  return Object.fromEntries(ONU_FIELDS.map((name) => [name, formString(body, name)])) as OnuForm;
}

function formOf(onu: OnuWithOlt): OnuForm {
  return {
    oltId: String(onu.oltId), shelf: String(onu.shelf), slot: String(onu.slot), port: String(onu.port), number: String(onu.number),
    name: onu.name, mac: onu.mac ?? '', sn: onu.sn ?? '', description: onu.description,
  };
}

/** How an ONU is named in messages and events: its MAC and/or serial number. */
export function onuLabel(onu: { mac: string | null; sn: string | null }): string {
  return [onu.mac, onu.sn].filter(Boolean).join(' / ');
}

/** /onus: the searchable list (htmx live search), add, edit, delete. */
export async function onuRoutes(app: FastifyInstance) {
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);

  function findOnu(request: FastifyRequest): OnuWithOlt {
    const onu = inventory.findOnu(idParam(request, 'ONU'));
    if (!onu) throw notFound('ONU');
    return onu;
  }

  function listPage(query: OnuListQuery) {
    const rows = inventory.listOnus({ search: query.search, oltId: query.oltId, afterId: query.afterId, limit: ONU_PAGE_SIZE + 1 });
    const onus = rows.slice(0, ONU_PAGE_SIZE);
    const customers = app.inventoryExtensions.customerNames(onus.map((onu) => onu.id));
    const last = onus[onus.length - 1];
    return {
      onus: onus.map((onu) => ({ ...onu, label: onuLabel(onu), position: formatPosition(onu), customer: customers.get(onu.id) ?? '' })),
      nextUrl: rows.length > ONU_PAGE_SIZE && last ? onuListUrl('/onus', { ...query, afterId: last.id }) : null,
      firstUrl: query.afterId ? onuListUrl('/onus', { ...query, afterId: undefined }) : null,
      exportUrl: onuListUrl('/onus/export.csv', { ...query, afterId: undefined }),
    };
  }

  function renderOnuForm(request: FastifyRequest, reply: FastifyReply, data: { onu?: OnuWithOlt; form: OnuForm; errors?: FieldErrors }) {
    const editing = data.onu;
    const locals = {
      title: editing ? `Edit ONU ${onuLabel(editing)}` : 'New ONU',
      onu: editing ?? null,
      olts: inventory.listOltChoices(),
      form: data.form,
      errors: data.errors ?? {},
      action: editing ? `/onus/${editing.id}` : '/onus',
      submitLabel: editing ? 'Save' : 'Create ONU',
    };
    if (request.isHtmx && data.errors) return reply.fragment('inventory/onu-form', locals);
    return reply.page('inventory/onu-edit', locals);
  }

  app.get('/onus', async function showOnuList(request, reply) {
    const query = onuListQuery(request.query);
    const page = listPage(query);
    reply.header('Vary', 'HX-Request');
    // A live search swaps only the table; a history restore needs the whole page.
    if (request.isHtmx && request.headers['hx-history-restore-request'] !== 'true') return reply.fragment('inventory/onu-table', page);
    return reply.page('inventory/onus', { title: 'ONU', query, olts: inventory.listOltChoices(), ...page });
  });

  app.get<{ Querystring: { olt?: string } }>('/onus/new', async function showNewOnuForm(request, reply) {
    const olts = inventory.listOltChoices();
    const oltId = olts.find((olt) => String(olt.id) === request.query.olt)?.id ?? (olts.length === 1 ? olts[0]!.id : '');
    return renderOnuForm(request, reply, { form: { ...typedOnu({}), oltId: String(oltId) } });
  });

  app.post('/onus', async function createOnu(request, reply) {
    const form = typedOnu(request.body as FormBody);
    const parsed = parseOnuInput(form);
    const errors = parsed.ok ? inventory.onuConflicts(parsed.value) : parsed.errors;
    if (!parsed.ok || Object.keys(errors).length) return renderOnuForm(request, reply.code(400), { form, errors });
    const onu = inventory.createOnu(parsed.value, app.now());
    recordEvent(app.db, { kind: 'onu.created', actor: request.actor(), message: `Added ONU #${onu.id} ${onuLabel(onu)}`, ip: request.ip }, app.now());
    reply.flash('success', `ONU ${onuLabel(onu)} added.`);
    return redirectAfterAction(request, reply, `/onus/${onu.id}`);
  });

  app.get('/onus/:id/edit', async function showOnuEditForm(request, reply) {
    const onu = findOnu(request);
    return renderOnuForm(request, reply, { onu, form: formOf(onu) });
  });

  app.post('/onus/:id', async function saveOnu(request, reply) {
    const onu = findOnu(request);
    const form = typedOnu(request.body as FormBody);
    const parsed = parseOnuInput(form);
    const errors = parsed.ok ? inventory.onuConflicts(parsed.value, onu.id) : parsed.errors;
    if (!parsed.ok || Object.keys(errors).length) return renderOnuForm(request, reply.code(400), { onu, form, errors });
    inventory.updateOnu(onu.id, parsed.value);
    recordEvent(app.db, { kind: 'onu.updated', actor: request.actor(), message: `Updated ONU #${onu.id} ${onuLabel(parsed.value)}`, ip: request.ip }, app.now());
    reply.flash('success', `ONU ${onuLabel(parsed.value)} saved.`);
    return redirectAfterAction(request, reply, `/onus/${onu.id}`);
  });

  app.post('/onus/:id/delete', async function deleteOnu(request, reply) {
    const onu = findOnu(request);
    inventory.deleteOnu(onu.id);
    recordEvent(app.db, { kind: 'onu.deleted', actor: request.actor(), message: `Deleted ONU #${onu.id} ${onuLabel(onu)} (OLT "${onu.oltName}")`, ip: request.ip }, app.now());
    reply.flash('success', `ONU ${onuLabel(onu)} deleted.`);
    return redirectAfterAction(request, reply, '/onus');
  });
}
