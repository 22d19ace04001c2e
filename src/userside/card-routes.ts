import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import { cardHead, renderIntegrationPage } from '../integrations/routes.js';
import type { FormBody } from '../lib/form.js';
import { userSideCard, userSideCardData, type UserSideCardView } from './card.js';
import { parseUserSideForm, validateConnection, validateUserSideForm, type UserSideForm } from './card-form.js';
import type { UserSideClientOptions } from './client.js';
import { testUserSideConnection, type ConnectionTestResult } from './connection-test.js';
import { CUSTOMER_FIELDS } from './fields.js';
import { runsSectionData } from './runs-view.js';
import { readApiKey, runTypeLabel, userSideState, type UserSideSettings } from './settings.js';
import type { UserSideWorker } from './worker.js';

const admin = { config: { access: 'admin' as const } };
const CARD_URL = '/settings/integration#card-userside';

export interface UserSideCardRouteOptions {
  worker: UserSideWorker;
  client: Partial<Omit<UserSideClientOptions, 'apiUrl' | 'apiKey'>>;
}

/** The UserSide card: save, Test connection, "Import now"/"Sync now" and the live runs section. */
export async function userSideCardRoutes(app: FastifyInstance, options: UserSideCardRouteOptions) {
  const { worker } = options;

  function renderCardBody(reply: FastifyReply, view?: UserSideCardView, withHead = false) {
    const oobHead = withHead ? { ...cardHead(app, userSideCard), oob: true } : null;
    return reply.fragment('settings/cards/userside', { ...userSideCardData(app, view), oobHead });
  }

  /** A rejected or tested form: the card body for htmx, else the whole page with the typed values. */
  function renderTyped(request: FastifyRequest, reply: FastifyReply, view: UserSideCardView) {
    if (request.isHtmx) return renderCardBody(reply, view);
    return renderIntegrationPage(app, request, reply, { userside: userSideCardData(app, view) });
  }

  app.get('/settings/integration/userside/card', admin, async function showUserSideCardBody(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return renderCardBody(reply);
  });

  app.post('/settings/integration/userside', admin, async function saveUserSideSettings(request, reply) {
    const form = parseUserSideForm(request.body as FormBody);
    const saved = userSideState(app);
    const { errors, settings } = validateUserSideForm(form, { hasSavedSecret: saved.hasSecret });
    if (settings && !form.apiKey && saved.settings?.apiUrl !== settings.apiUrl) {
      // The saved key belongs to the saved address: it must never go to another host unasked.
      errors.apiKey = 'Type the API key again: the address changed';
    }
    if (!settings || errors.apiKey) {
      if (form.apiKey && !errors.apiKey) errors.apiKey = 'Type the API key again: it is never sent back to the browser';
      reply.code(422);
      return renderTyped(request, reply, { form, errors });
    }
    app.integrations.save<UserSideSettings>('userside', settings, form.apiKey || undefined);
    recordEvent(app.db, { kind: 'integration.save', actor: request.actor(), message: `Saved UserSide integration settings (${describeSettings(settings)}; ${form.apiKey ? 'new API key' : 'API key kept'})`, ip: request.ip });
    const notice = 'UserSide integration settings saved';
    if (request.isHtmx) return renderCardBody(reply, { notice }, true);
    reply.flash('success', notice);
    return reply.redirect(CARD_URL);
  });

  app.post('/settings/integration/userside/test', admin, async function testUserSideSettings(request, reply) {
    const form = parseUserSideForm(request.body as FormBody);
    const result = await testTypedConnection(form);
    // Only a checked address goes in the log: a rejected one may carry credentials or a key.
    const target = 'apiUrl' in result && result.apiUrl ? result.apiUrl : form.apiUrl ? '(an invalid address)' : '(no address)';
    recordEvent(app.db, { kind: 'userside.test', actor: request.actor(), message: `Tested the UserSide connection to ${target}: ${result.message}`, ip: request.ip });
    if (request.isHtmx && !result.errors) return reply.fragment('settings/cards/userside-test-result', { result });
    const errors = result.errors ?? {};
    // Whenever the form comes back whole, the typed key does not (it is never sent to the browser).
    if (form.apiKey && !errors.apiKey && (result.errors || !request.isHtmx)) errors.apiKey = 'Type the API key again: it is never sent back to the browser';
    if (request.isHtmx) {
      // A field at fault: the whole card comes back, with the message next to that field.
      reply.header('HX-Retarget', '#card-userside-body').header('HX-Reswap', 'innerHTML');
      return renderCardBody(reply, { form, testResult: result, errors });
    }
    // Without JavaScript the whole page comes back with what was typed, so nothing is lost.
    return renderTyped(request, reply, { form, testResult: result, errors });
  });

  async function testTypedConnection(form: UserSideForm): Promise<ConnectionTestResult & { apiUrl?: string; errors?: Record<string, string> }> {
    const saved = userSideState(app);
    const { errors, apiUrl } = validateConnection(form, { hasSavedSecret: saved.hasSecret });
    if (apiUrl && !form.apiKey && !errors.apiKey && saved.settings?.apiUrl !== apiUrl) {
      // The saved key goes only to the saved address: it must never be sent to a host it was not saved for.
      errors.apiKey = 'Type the API key to test an address other than the saved one';
    }
    if (!apiUrl || Object.keys(errors).length) {
      return { ok: false, message: `Cannot test: ${Object.values(errors).join('; ')}`, errors, ...(apiUrl ? { apiUrl } : {}) };
    }
    const apiKey = form.apiKey || readApiKey(app);
    if (!apiKey) return { ok: false, message: 'Cannot test: type the API key again (the saved one cannot be read)', apiUrl };
    return { ...(await testUserSideConnection({ ...options.client, apiUrl, apiKey })), apiUrl };
  }

  app.get('/settings/integration/userside/runs', admin, async function showUserSideRuns(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return reply.fragment('settings/cards/userside-runs', runsSectionData(app));
  });

  app.post('/settings/integration/userside/run', admin, async function startUserSideRun(request, reply) {
    const started = worker.start('manual', request.actor(), request.ip);
    const message = started.ok
      ? { type: 'success' as const, message: `${runTypeLabel(started.run.type)} started` }
      : { type: 'error' as const, message: started.reason };
    if (request.isHtmx) return reply.code(started.ok ? 200 : 409).fragment('settings/cards/userside-runs', { ...runsSectionData(app), runMessage: message });
    reply.flash(message.type, message.message);
    return reply.redirect(CARD_URL);
  });
}

function describeSettings(settings: UserSideSettings): string {
  const labels = CUSTOMER_FIELDS.filter((f) => settings.fields.includes(f.key)).map((f) => f.label);
  const type = settings.type === 'sync' ? `Synchronization every ${settings.intervalMinutes} min` : 'Import';
  return `${type}, ${settings.apiUrl}, serial number field ${settings.snFieldId ?? 'none'}, fields: ${labels.join(', ') || 'none'}`;
}
