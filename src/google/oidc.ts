import { createHash, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';

export interface GoogleOidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface SignInStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface GoogleIdentity {
  sub: string;
  email: string;
  name: string;
}

export type SignInResult =
  | { ok: true; identity: GoogleIdentity }
  | { ok: false; reason: string; email?: string };

export interface FinishSignInInput {
  currentUrl: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
  allowedDomains: readonly string[];
}

/** Thrown by startSignIn; its message is meant for the operator as is. */
export class GoogleSignInError extends Error {
  override name = 'GoogleSignInError';
}

const UNAVAILABLE = 'Google sign-in is unavailable right now';
const REQUEST_TIMEOUT_SEC = 10;
const MAX_CACHED_DISCOVERIES = 8;

const discoveries = new Map<string, Promise<client.Configuration>>();

/** The Google sign-in flow for one set of credentials; cheap to create per request. */
export function createGoogleOidc(settings: GoogleOidcSettings) {
  const issuer = checkIssuerUrl(settings.issuerUrl);
  const redirectUri = new URL(settings.redirectUri);
  const cacheKey = [issuer.href, settings.clientId, sha256(settings.clientSecret)].join('\n');

  function configuration(): Promise<client.Configuration> {
    let pending = discoveries.get(cacheKey);
    if (!pending) {
      pending = client.discovery(issuer, settings.clientId, undefined, client.ClientSecretPost(settings.clientSecret), {
        // openid-client trusts an ID token for having come over TLS; we verify its signature anyway,
        // which also covers a loopback provider reached over plain http.
        execute: [client.enableNonRepudiationChecks, ...(isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [])],
        timeout: REQUEST_TIMEOUT_SEC,
      });
      discoveries.set(cacheKey, pending);
      if (discoveries.size > MAX_CACHED_DISCOVERIES) discoveries.delete(discoveries.keys().next().value!);
      pending.catch(() => forgetDiscovery(pending!));
    }
    return pending;
  }

  // A failed discovery, or a provider that stopped answering, is looked up afresh next time.
  function forgetDiscovery(pending: Promise<client.Configuration>): void {
    if (discoveries.get(cacheKey) === pending) discoveries.delete(cacheKey);
  }

  /** Builds the authorization URL and the secrets the caller must keep (in the session) until the callback. */
  async function startSignIn({ domains }: { domains: readonly string[] }): Promise<SignInStart> {
    let config: client.Configuration;
    try {
      config = await configuration();
    } catch {
      throw new GoogleSignInError(UNAVAILABLE);
    }
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const parameters: Record<string, string> = {
      redirect_uri: redirectUri.href,
      scope: 'openid email profile',
      prompt: 'select_account',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    // Google only narrows the account chooser to one domain; several domains are checked on return.
    if (domains.length === 1) parameters.hd = domains[0]!;
    return { url: client.buildAuthorizationUrl(config, parameters).href, state, nonce, codeVerifier };
  }

  /** Completes the sign-in from the callback URL; every failure is a reason to show, never a throw. */
  async function finishSignIn(input: FinishSignInInput): Promise<SignInResult> {
    const params = input.currentUrl.searchParams;
    if (!sameState(params.get('state') ?? '', input.state)) {
      return { ok: false, reason: 'Google sign-in failed: the sign-in request expired or was tampered with, try again' };
    }
    const providerError = params.get('error');
    if (providerError) return { ok: false, reason: explainProviderError(providerError) };

    // The proxy in front of us may rewrite host and scheme; the registered redirect URI is what Google compares.
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = input.currentUrl.search;

    let pending: Promise<client.Configuration> | undefined;
    let claims: client.IDToken | undefined;
    try {
      pending = configuration();
      const tokens = await client.authorizationCodeGrant(await pending, callbackUrl, {
        expectedState: input.state,
        expectedNonce: input.nonce,
        pkceCodeVerifier: input.codeVerifier,
      });
      claims = tokens.claims();
    } catch (error) {
      const reason = explainFailure(error);
      if (reason === UNAVAILABLE && pending) forgetDiscovery(pending);
      return { ok: false, reason };
    }
    if (!claims) return { ok: false, reason: 'Google sign-in failed: Google sent no ID token' };
    return checkAccount(claims, input.allowedDomains);
  }

  return { startSignIn, finishSignIn };
}

export type GoogleOidc = ReturnType<typeof createGoogleOidc>;

/** Parses the issuer URL: https, or plain http on a loopback address (a local test provider). */
export function checkIssuerUrl(issuerUrl: string): URL {
  const url = URL.canParse(issuerUrl) ? new URL(issuerUrl) : null;
  if (url?.protocol === 'https:' || (url && isLoopbackHttp(url))) return url;
  throw new Error(`The OpenID issuer URL must use https (plain http only on a loopback address): ${issuerUrl}`);
}

function isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== 'http:') return false;
  // URL normalises IPv4 forms (127.1, 0x7f.1) to dotted decimal and keeps IPv6 in brackets.
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

function checkAccount(claims: client.IDToken, allowedDomains: readonly string[]): SignInResult {
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  const hd = typeof claims.hd === 'string' ? claims.hd.toLowerCase() : undefined;
  if (!email || claims.email_verified !== true) {
    return { ok: false, reason: 'This Google account has no verified email address', email };
  }
  if (!hd) return { ok: false, reason: 'Only Google Workspace accounts of an allowed domain can sign in', email };
  if (!allowedDomains.some((domain) => domain.toLowerCase() === hd)) {
    return { ok: false, reason: `Google accounts from ${hd} are not allowed`, email };
  }
  if (emailDomain(email) !== hd) {
    return { ok: false, reason: `The email address ${email} is not in the Google Workspace domain ${hd}`, email };
  }
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name : email;
  return { ok: true, identity: { sub: claims.sub, email, name } };
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function explainProviderError(error: string): string {
  if (error === 'access_denied') return 'Google sign-in was cancelled';
  return `Google sign-in failed: Google answered "${safeCode(error)}"`;
}

// Maps what openid-client throws to a reason an operator can act on; none of them quotes a secret.
function explainFailure(error: unknown): string {
  if (error instanceof client.ResponseBodyError) return explainTokenError(error.error);
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return error.status === 401 ? explainTokenError('invalid_client') : UNAVAILABLE;
  }
  if (isUnreachable(error)) return UNAVAILABLE;
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
      return "Google sign-in failed: the ID token has expired or is not yet valid, check this server's clock and try again";
    }
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
      return 'Google sign-in failed: the ID token was not issued for this sign-in, try again';
    }
  }
  return 'Google sign-in failed: the answer from Google could not be verified, try again';
}

function explainTokenError(code: string): string {
  if (code === 'invalid_grant') return 'Google sign-in failed: Google refused the sign-in code (already used, expired or not from this sign-in), try again';
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return 'Google sign-in failed: Google rejected the Client ID or API key';
  }
  return `Google sign-in failed: Google answered "${safeCode(code)}"`;
}

function isUnreachable(error: unknown): boolean {
  // fetch() rejects with a bare TypeError on network failures; our own misuse carries an ERR_ code.
  if (error instanceof TypeError && !('code' in error) && error.message === 'fetch failed') return true;
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') return true;
    const cause = error.cause;
    if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) return true;
  }
  return false;
}

// Provider error codes are ASCII words; anything else is not echoed back.
function safeCode(code: string): string {
  return /^[\w.-]{1,64}$/.test(code) ? code : 'an error';
}

// An empty expected state means the session lost it: never a match.
function sameState(received: string, expected: string): boolean {
  return expected !== '' && timingSafeEqual(createHash('sha256').update(received).digest(), createHash('sha256').update(expected).digest());
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
