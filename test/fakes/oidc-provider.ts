import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export interface FakeIdentity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  hd?: string;
  name?: string;
  [claim: string]: unknown;
}

export interface FakeTokenOptions {
  expiresInSec?: number;
  nonceOverride?: string;
  issuerOverride?: string;
  audienceOverride?: string;
  /** Sign the ID token with a key that is not in the JWKS (same kid). */
  badSignature?: boolean;
}

export interface FakeOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  setIdentity(claims: Partial<FakeIdentity>): void;
  setNextError(error: string | null): void;
  setTokenOptions(options: FakeTokenOptions): void;
  authorize(authUrl: string): Promise<string>;
  close(): Promise<void>;
  down(): void;
  up(): void;
}

export const DEFAULT_IDENTITY: FakeIdentity = {
  sub: '1001',
  email: 'ops@example.com',
  email_verified: true,
  hd: 'example.com',
  name: 'Ops Person',
};

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
  identity: FakeIdentity;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 60_000;
const KEY_ID = 'fake-key-1';

/** A real OpenID provider on 127.0.0.1 that approves every sign-in as the identity it is told. */
export async function startFakeOidcProvider(): Promise<FakeOidcProvider> {
  const signingKeys = await generateKeyPair('RS256');
  const strangerKeys = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(signingKeys.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };

  const clientId = 'easypon-test.apps.googleusercontent.com';
  const clientSecret = `fake-secret-${randomBytes(12).toString('hex')}`;
  const codes = new Map<string, IssuedCode>();
  let identity: FakeIdentity = { ...DEFAULT_IDENTITY };
  let nextError: string | null = null;
  let tokenOptions: FakeTokenOptions = {};
  let issuer = '';

  function discoveryDocument() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'hd', 'iat', 'iss', 'name', 'nonce', 'sub'],
    };
  }

  function handleAuthorize(url: URL, res: ServerResponse): void {
    const params = url.searchParams;
    const redirectUri = params.get('redirect_uri') ?? '';
    // Like Google: a bad client or redirect URI is shown to the user, never redirected.
    if (params.get('client_id') !== clientId) return sendText(res, 400, 'invalid_client: unknown client_id');
    if (!URL.canParse(redirectUri)) return sendText(res, 400, 'invalid_request: redirect_uri missing or invalid');

    const back = new URL(redirectUri);
    const state = params.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const refusal = nextError ?? requestProblem(params);
    nextError = null;
    if (refusal) {
      back.searchParams.set('error', refusal);
      return redirect(res, back);
    }

    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId,
      redirectUri,
      codeChallenge: params.get('code_challenge')!,
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope')!,
      identity: { ...identity },
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    back.searchParams.set('code', code);
    redirect(res, back);
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const auth = authenticateClient(req, form);
    if (auth !== 'ok') {
      const headers: Record<string, string> = auth === 'basic' ? { 'www-authenticate': 'Basic realm="fake"' } : {};
      return sendJson(res, 401, { error: 'invalid_client' }, headers);
    }
    if (form.get('grant_type') !== 'authorization_code') return sendJson(res, 400, { error: 'unsupported_grant_type' });

    const codeValue = form.get('code') ?? '';
    const issued = codes.get(codeValue);
    codes.delete(codeValue); // single use, whatever happens next
    if (!issued || issued.expiresAt < Date.now()) return invalidGrant(res, 'unknown, used or expired code');
    if (issued.clientId !== clientId) return invalidGrant(res, 'code issued to another client');
    if (form.get('redirect_uri') !== issued.redirectUri) return invalidGrant(res, 'redirect_uri mismatch');
    if (s256(form.get('code_verifier') ?? '') !== issued.codeChallenge) return invalidGrant(res, 'PKCE verification failed');

    sendJson(res, 200, {
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 3599,
      scope: issued.scope,
      id_token: await signIdToken(issued),
    });
  }

  function authenticateClient(req: IncomingMessage, form: URLSearchParams): 'ok' | 'basic' | 'post' {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // RFC 6749 2.3.1: both halves are form-urlencoded before base64.
      const id = decodeFormComponent(decoded.slice(0, colon));
      const secret = decodeFormComponent(decoded.slice(colon + 1));
      return colon > 0 && id === clientId && sameSecret(secret) ? 'ok' : 'basic';
    }
    return form.get('client_id') === clientId && sameSecret(form.get('client_secret') ?? '') ? 'ok' : 'post';
  }

  function sameSecret(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(clientSecret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function signIdToken(issued: IssuedCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const nonce = tokenOptions.nonceOverride ?? issued.nonce;
    return new SignJWT({ ...issued.identity, azp: clientId, ...(nonce === undefined ? {} : { nonce }) })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuer(tokenOptions.issuerOverride ?? issuer)
      .setAudience(tokenOptions.audienceOverride ?? clientId)
      .setSubject(issued.identity.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + (tokenOptions.expiresInSec ?? 3600))
      .sign(tokenOptions.badSignature ? strangerKeys.privateKey : signingKeys.privateKey);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, `fake provider error: ${String(error)}`);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') return sendJson(res, 200, discoveryDocument());
    if (req.method === 'GET' && url.pathname === '/jwks') return sendJson(res, 200, { keys: [publicJwk] });
    if (req.method === 'GET' && url.pathname === '/authorize') return handleAuthorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return handleToken(req, res);
    sendText(res, 404, 'not found');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    setIdentity(claims) {
      identity = { ...DEFAULT_IDENTITY, ...claims };
    },
    setNextError(error) {
      nextError = error;
    },
    setTokenOptions(options) {
      tokenOptions = { ...options };
    },
    async authorize(authUrl) {
      const response = await fetch(authUrl, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) {
        throw new Error(`fake provider refused the authorization request (${response.status}): ${await response.text()}`);
      }
      return location;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    down() {
      // Kept-alive sockets would otherwise still reach us.
      server.close();
      server.closeAllConnections();
    },
    up() {
      if (!server.listening) server.listen(port, '127.0.0.1');
    },
  };
}

function requestProblem(params: URLSearchParams): string | null {
  if (params.get('response_type') !== 'code') return 'unsupported_response_type';
  if (!params.get('scope')?.split(' ').includes('openid')) return 'invalid_scope';
  if (!params.get('code_challenge') || params.get('code_challenge_method') !== 'S256') return 'invalid_request';
  return null;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function invalidGrant(res: ServerResponse, description: string): void {
  sendJson(res, 400, { error: 'invalid_grant', error_description: description });
}

function redirect(res: ServerResponse, location: URL): void {
  res.writeHead(302, { location: location.href, 'cache-control': 'no-store' }).end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}
