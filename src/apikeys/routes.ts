import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import { cardHead, renderIntegrationPage } from '../integrations/routes.js';
import { accessLabel, apiKeysCard, apiKeysPanel, expiryLabel, type PanelState } from './card.js';
import { EMPTY_KEY_FORM, parseKeyForm, validateKeyForm } from './key-form.js';
import { apiKeyDigest, apiKeyDisplayPrefix, generateApiKey } from './key-format.js';
import { createApiKeyRepository } from './repository.js';

const admin = { config: { access: 'admin' as const } };
const CARD_URL = '/settings/integration#card-apikeys';

/** The API Keys card's own routes: the key form, creation (the key shown once) and deletion. */
export async function apiKeyRoutes(app: FastifyInstance) {
  const keys = createApiKeyRepository(app.db);

  /** htmx gets the card's panel alone; without JavaScript the whole Integration page, this card in that state. */
  function renderPanel(request: FastifyRequest, reply: FastifyReply, state: PanelState = {}) {
    const panel = apiKeysPanel(app, state);
    // The head's status line counts usable keys: it comes along, swapped out of band.
    if (request.isHtmx) return reply.fragment('apikeys/panel-update', { panel, head: cardHead(app, apiKeysCard) });
    return renderIntegrationPage(app, request, reply, { apikeys: { panel } });
  }

  app.get('/settings/integration/apikeys/panel', admin, async function showApiKeysPanel(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return renderPanel(request, reply);
  });

  app.get('/settings/integration/apikeys/docs-link', admin, async function showDocsLink(_request, reply) {
    return reply.fragment('apikeys/docs-link', { enabled: app.integrations.get('apikeys').enabled });
  });

  app.get('/settings/integration/apikeys/new', admin, async function showNewKeyForm(request, reply) {
    return renderPanel(request, reply, { form: EMPTY_KEY_FORM });
  });

  app.post('/settings/integration/apikeys', admin, async function createApiKey(request, reply) {
    const form = parseKeyForm(request.body as Record<string, unknown>);
    const checked = validateKeyForm(form, app.now());
    if (!checked.ok) return renderPanel(request, reply.code(422), { form, errors: checked.errors });

    const key = generateApiKey();
    const { name, access, expiresAt } = checked.value;
    keys.create({
      digest: apiKeyDigest(key),
      prefix: apiKeyDisplayPrefix(key),
      name,
      access,
      expiresAt,
      createdBy: request.user?.id ?? null,
      createdAt: app.now(),
    });
    recordEvent(app.db, {
      kind: 'apikey.created',
      actor: request.actor(),
      message: `Created API key "${name}" (${accessLabel(access)}, expires: ${expiryLabel(expiresAt)})`,
      ip: request.ip,
    });
    // The only answer that ever carries the key: never stored by a browser or a proxy.
    reply.header('Cache-Control', 'no-store');
    return renderPanel(request, reply, { newKey: { name, key, access: accessLabel(access), expiry: expiryLabel(expiresAt) } });
  });

  app.post<{ Params: { id: string } }>('/settings/integration/apikeys/:id/delete', admin, async function deleteApiKey(request, reply) {
    const id = Number(request.params.id);
    const key = Number.isSafeInteger(id) ? keys.findActive(id) : undefined;
    if (key && keys.revoke(key.id, app.now())) {
      recordEvent(app.db, { kind: 'apikey.deleted', actor: request.actor(), message: `Deleted API key "${key.name}" (${key.prefix}…)`, ip: request.ip });
    }
    if (request.isHtmx) return renderPanel(request, reply);
    reply.flash(key ? 'success' : 'error', key ? `API key "${key.name}" deleted.` : 'That API key does not exist any more.');
    return reply.redirect(CARD_URL);
  });
}
