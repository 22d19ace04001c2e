import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { recordEvent } from '../events/record.js';
import { cardHead, renderIntegrationPage } from '../integrations/routes.js';
import { formString, formStrings, type FieldErrors, type FormBody } from '../lib/form.js';
import { googleCard, googleCardData, type GoogleCardView } from './card.js';
import { parseGoogleForm, validateGoogleForm } from './card-form.js';
import { beginGoogleRoundTrip } from './round-trip.js';
import { activeGoogle, googleSettings, saveGoogleVerification, type GoogleSettings } from './settings.js';

const admin = { config: { access: 'admin' as const } };
const CARD_URL = '/settings/integration#card-google';

/** The Google card: its form, the htmx pieces of it, and "Verify with Google". */
export async function googleCardRoutes(app: FastifyInstance) {
  function renderCardBody(reply: FastifyReply, view?: GoogleCardView, withHead = false) {
    const head = withHead ? { ...cardHead(app, googleCard), oob: true } : null;
    return reply.fragment('settings/cards/google', { ...googleCardData(app, view), oobHead: head });
  }

  app.get('/settings/integration/google/card', admin, async function showGoogleCardBody(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return renderCardBody(reply);
  });

  app.get('/settings/integration/google/domain-row', admin, async function addGoogleDomainRow(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return reply.fragment('settings/cards/google-domain-row', { id: `google-domain-${randomUUID().slice(0, 8)}`, value: '', error: null });
  });

  app.get('/settings/integration/google/verification', admin, async function showGoogleVerification(request, reply) {
    if (!request.isHtmx) return reply.redirect(CARD_URL);
    return reply.fragment('settings/cards/google-verify', googleCardData(app));
  });

  app.post('/settings/integration/google', admin, async function saveGoogleSettings(request, reply) {
    const body = request.body as FormBody;
    const form = parseGoogleForm(body);
    const removing = body && typeof body === 'object' && 'removeDomain' in body;
    if (formString(body, 'addDomain') || removing) {
      // Without JavaScript "Add domain" and "Remove" post the form: it comes back as typed, a row more or less, unsaved.
      const rows = formStrings(body, 'domains');
      const row = formString(body, 'removeDomain');
      if (/^\d{1,3}$/.test(row)) rows.splice(Number(row), 1);
      const errors: FieldErrors = form.apiKey ? { apiKey: 'Type the API key again: it is never sent back to the browser' } : {};
      const view: GoogleCardView = { clientId: form.clientId, domains: rows.filter((domain) => domain !== ''), emptyRows: removing ? 1 : 2, errors };
      if (request.isHtmx) return renderCardBody(reply, view);
      return renderIntegrationPage(app, request, reply, { google: googleCardData(app, view) });
    }
    const { enabled, settings, hasSecret } = googleSettings(app);
    const { errors, domains } = validateGoogleForm(form, { enabled, hasSavedSecret: hasSecret });
    if (Object.keys(errors).length) {
      if (form.apiKey && !errors.apiKey) errors.apiKey = 'Type the API key again: it is never sent back to the browser';
      const view: GoogleCardView = { clientId: form.clientId, domains: form.domains, errors };
      reply.code(422);
      if (request.isHtmx) return renderCardBody(reply, view);
      return renderIntegrationPage(app, request, reply, { google: googleCardData(app, view) });
    }

    const saved: GoogleSettings = { clientId: form.clientId, domains };
    if (settings?.lastVerification) saved.lastVerification = settings.lastVerification;
    app.integrations.save<GoogleSettings>('google', saved, form.apiKey || undefined);
    const keyNote = form.apiKey ? 'new API key' : hasSecret ? 'API key kept' : 'no API key';
    recordEvent(app.db, {
      kind: 'integration.save',
      actor: request.actor(),
      message: `Saved Google Authorization settings (domains: ${domains.join(', ') || 'none'}; ${keyNote})`,
      ip: request.ip,
    });
    const notice = 'Google Authorization settings saved';
    if (request.isHtmx) return renderCardBody(reply, { clientId: form.clientId, domains, notice }, true);
    reply.flash('success', notice);
    return reply.redirect(CARD_URL);
  });

  // A GET like /auth/google: it only starts a round trip, and the CSP form-action would stop a post redirecting to the provider.
  app.get('/settings/integration/google/verify', admin, async function verifyGoogle(request, reply) {
    const google = activeGoogle(app);
    if (!google) {
      reply.flash('error', 'Turn Google Authorization on and save its settings before verifying.');
      return reply.redirect(CARD_URL);
    }
    const started = await beginGoogleRoundTrip(request, google, 'verify');
    if (started.ok) return reply.redirect(started.url);
    saveGoogleVerification(app, { ok: false, message: started.reason, by: request.actor().name, at: app.now().toISOString() });
    recordEvent(app.db, { kind: 'google.verify', actor: request.actor(), message: `Google Authorization verification failed: ${started.reason}`, ip: request.ip });
    reply.flash('error', started.reason);
    return reply.redirect(CARD_URL);
  });
}
