import type { FastifyInstance } from 'fastify';
import { isHttps } from '../config.js';
import type { IntegrationCard } from '../integrations/card.js';
import type { FieldErrors } from '../lib/form.js';
import { googleRedirectUri, googleSettings, HTTPS_REQUIRED, isGoogleConfigured } from './settings.js';

export interface GoogleCardView {
  clientId: string;
  domains: string[];
  /** Empty rows after the typed ones: without JavaScript they are how more domains get added. */
  emptyRows?: number;
  errors?: FieldErrors;
  notice?: string | null;
}

/** Locals of views/settings/cards/google.eta: the saved values unless the typed ones are given. */
export function googleCardData(app: FastifyInstance, view?: GoogleCardView): Record<string, unknown> {
  const { enabled, settings, hasSecret } = googleSettings(app);
  const https = isHttps(app.config);
  const configured = isGoogleConfigured(settings, hasSecret);
  return {
    google: {
      clientId: view?.clientId ?? settings?.clientId ?? '',
      domains: view?.domains ?? settings?.domains ?? [],
      emptyRows: view?.emptyRows ?? 1,
      errors: view?.errors ?? {},
      notice: view?.notice ?? null,
      hasSecret,
      redirectUri: googleRedirectUri(app.config),
      httpsRefusal: https ? null : HTTPS_REQUIRED,
      canVerify: enabled && https && configured,
      lastVerification: settings?.lastVerification ?? null,
    },
  };
}

export const googleCard: IntegrationCard = {
  name: 'google',
  title: 'Google Authorization',
  switchLabel: 'Turn on Google Authorization?',
  refuseEnable: (app) => (isHttps(app.config) ? null : HTTPS_REQUIRED),
  status(app) {
    const { enabled, settings, hasSecret } = googleSettings(app);
    if (!enabled) return null;
    if (!isGoogleConfigured(settings, hasSecret)) return 'On, but not configured yet: Google sign-in stays unavailable until the Client ID, API key and allowed domains are saved.';
    if (!isHttps(app.config)) return `On, but inactive: ${HTTPS_REQUIRED}`;
    return null;
  },
  load: async (app) => googleCardData(app),
};
