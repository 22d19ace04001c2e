import type { FastifyInstance } from 'fastify';
import { isHttps, type Config } from '../config.js';
import { createGoogleOidc, type GoogleOidc } from './oidc.js';

/** The last "Verify with Google" round trip, kept on the card. */
export interface GoogleVerification {
  ok: boolean;
  message: string;
  by: string;
  at: string;
}

/** What the Google card saves in plain text; the client secret is stored apart, encrypted. */
export interface GoogleSettings extends Record<string, unknown> {
  clientId: string;
  domains: string[];
  lastVerification?: GoogleVerification;
}

export const HTTPS_REQUIRED = 'Google sign-in needs HTTPS: set PUBLIC_URL to the https:// address of this server.';

/** The address to register in Google Cloud Console as the authorized redirect URI. */
export function googleRedirectUri(config: Config): string {
  return `${config.publicUrl.origin}${config.publicUrl.pathname.replace(/\/+$/, '')}/auth/google/callback`;
}

export function googleSettings(app: FastifyInstance): { enabled: boolean; settings: GoogleSettings | null; hasSecret: boolean } {
  const state = app.integrations.get<GoogleSettings>('google');
  return { enabled: state.enabled, settings: state.settings, hasSecret: state.hasSecret };
}

/** Saved settings complete enough to run a sign-in. */
export function isGoogleConfigured(settings: GoogleSettings | null, hasSecret: boolean): settings is GoogleSettings {
  return !!settings && !!settings.clientId && Array.isArray(settings.domains) && settings.domains.length > 0 && hasSecret;
}

export interface ActiveGoogle {
  settings: GoogleSettings;
  oidc: GoogleOidc;
}

/** The sign-in flow when Google Authorization is on, configured and served over HTTPS; null otherwise. */
export function activeGoogle(app: FastifyInstance): ActiveGoogle | null {
  const { enabled, settings, hasSecret } = googleSettings(app);
  if (!enabled || !isHttps(app.config) || !isGoogleConfigured(settings, hasSecret)) return null;
  const clientSecret = readClientSecret(app);
  if (!clientSecret) return null;
  const oidc = createGoogleOidc({
    issuerUrl: app.config.googleIssuerUrl.href,
    clientId: settings.clientId,
    clientSecret,
    redirectUri: googleRedirectUri(app.config),
  });
  return { settings, oidc };
}

// A secret saved under another DATA_DIR key cannot be read: the card then asks for it again.
function readClientSecret(app: FastifyInstance): string | null {
  try {
    return app.integrations.getSecret('google');
  } catch {
    return null;
  }
}

/** Keeps the outcome of a "Verify with Google" round trip on the card, leaving the rest as saved. */
export function saveGoogleVerification(app: FastifyInstance, verification: GoogleVerification): void {
  const { settings } = googleSettings(app);
  app.integrations.save<GoogleSettings>('google', { clientId: settings?.clientId ?? '', domains: settings?.domains ?? [], lastVerification: verification });
}
