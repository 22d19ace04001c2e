import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import { formChecked } from '../lib/form.js';
import type { IntegrationCard } from './card.js';
import { integrationCards } from './cards.js';

const admin = { config: { access: 'admin' as const } };

/** The card shell's locals: title, switch state and the message under the switch. */
export function cardHead(app: FastifyInstance, card: IntegrationCard, error: string | null = null) {
  const state = app.integrations.get(card.name);
  return {
    name: card.name,
    title: card.title,
    switchLabel: card.switchLabel,
    enabled: state.enabled,
    status: card.status?.(app) ?? null,
    error,
  };
}

/** Full page, or for htmx just the card's head after a switch. */
export async function renderIntegrationPage(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, overrides: Partial<Record<string, Record<string, unknown>>> = {}) {
  const cards = await Promise.all(integrationCards.map(async (card) => ({
    head: cardHead(app, card),
    data: { ...(await card.load(app, request)), ...overrides[card.name] },
  })));
  return reply.page('settings/integration', { title: 'Integration', cards });
}

export async function integrationRoutes(app: FastifyInstance) {
  app.get('/settings/integration', admin, async function showIntegrationPage(request, reply) {
    return renderIntegrationPage(app, request, reply);
  });

  app.post<{ Params: { name: string } }>('/settings/integration/:name/switch', admin, async function flipSwitch(request, reply) {
    const card = integrationCards.find((c) => c.name === request.params.name);
    if (!card) return reply.callNotFound();
    const enabled = formChecked(request.body as Record<string, unknown>, 'enabled');
    const refusal = enabled ? card.refuseEnable?.(app) ?? null : null;
    if (!refusal && enabled !== app.integrations.get(card.name).enabled) {
      app.integrations.setEnabled(card.name, enabled);
      recordEvent(app.db, { kind: 'integration.switch', actor: request.actor(), message: `Turned ${enabled ? 'on' : 'off'} ${card.title}`, ip: request.ip });
    }
    if (request.isHtmx) {
      // The card body may depend on the switch (e.g. the API documentation link): refresh it too.
      reply.header('HX-Trigger', `integration-switched-${card.name}`);
      return reply.code(refusal ? 422 : 200).fragment('settings/card-head', { head: cardHead(app, card, refusal) });
    }
    if (refusal) reply.flash('error', refusal);
    return reply.redirect(`/settings/integration#card-${card.name}`);
  });
}
