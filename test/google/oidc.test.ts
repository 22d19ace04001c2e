import { createHash } from 'node:crypto';
import t from 'tap';
import { checkIssuerUrl, createGoogleOidc, GoogleSignInError, type SignInStart } from '../../src/google/oidc.js';
import { startFakeOidcProvider, type FakeOidcProvider } from '../fakes/oidc-provider.js';

const REDIRECT_URI = 'https://easypon.example.net/auth/google/callback';
const UNAVAILABLE = 'Google sign-in is unavailable right now';

function oidcFor(provider: FakeOidcProvider, overrides: { clientSecret?: string } = {}) {
  return createGoogleOidc({
    issuerUrl: provider.issuer,
    clientId: provider.clientId,
    clientSecret: overrides.clientSecret ?? provider.clientSecret,
    redirectUri: REDIRECT_URI,
  });
}

async function roundTrip(provider: FakeOidcProvider, allowedDomains: string[] = ['example.com']) {
  const oidc = oidcFor(provider);
  const start = await oidc.startSignIn({ domains: allowedDomains });
  const back = new URL(await provider.authorize(start.url));
  return { oidc, start, back, finish: (url = back, checks: SignInStart = start) => oidc.finishSignIn({ ...checks, currentUrl: url, allowedDomains }) };
}

async function signIn(provider: FakeOidcProvider, allowedDomains?: string[]) {
  const { finish } = await roundTrip(provider, allowedDomains);
  return finish();
}

t.test('against a running provider', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());
  t.afterEach(() => {
    provider.setIdentity({});
    provider.setTokenOptions({});
    provider.setNextError(null);
  });

  t.test('a verified account of an allowed domain signs in', async (t) => {
    t.same(await signIn(provider), {
      ok: true,
      identity: { sub: '1001', email: 'ops@example.com', name: 'Ops Person' },
    });
  });

  t.test('domains compare case-insensitively and several may be allowed', async (t) => {
    provider.setIdentity({ hd: 'Example.COM', email: 'Ops@EXAMPLE.com' });
    const result = await signIn(provider, ['other.net', 'EXAMPLE.com']);
    t.equal(result.ok, true);
  });

  t.test('a missing name falls back to the email', async (t) => {
    provider.setIdentity({ name: undefined });
    t.match(await signIn(provider), { ok: true, identity: { name: 'ops@example.com' } });
  });

  t.test('an account of another domain is refused by name', async (t) => {
    provider.setIdentity({ hd: 'example.org', email: 'ops@example.org' });
    t.same(await signIn(provider), {
      ok: false,
      reason: 'Google accounts from example.org are not allowed',
      email: 'ops@example.org',
    });
  });

  t.test('an account without hd (not Google Workspace) is refused', async (t) => {
    provider.setIdentity({ hd: undefined, email: 'someone@gmail.com' });
    t.same(await signIn(provider), {
      ok: false,
      reason: 'Only Google Workspace accounts of an allowed domain can sign in',
      email: 'someone@gmail.com',
    });
  });

  t.test('an unverified email is refused', async (t) => {
    provider.setIdentity({ email_verified: false });
    t.match(await signIn(provider), { ok: false, reason: 'This Google account has no verified email address' });
  });

  t.test('an email outside the hd domain is refused', async (t) => {
    provider.setIdentity({ email: 'ops@elsewhere.net' });
    t.match(await signIn(provider), {
      ok: false,
      reason: 'The email address ops@elsewhere.net is not in the Google Workspace domain example.com',
      email: 'ops@elsewhere.net',
    });
  });

  t.test('a state that does not match the session is refused', async (t) => {
    const { oidc, start, finish } = await roundTrip(provider);
    const other = await oidc.startSignIn({ domains: ['example.com'] });
    const tampered = /expired or was tampered with, try again$/;
    t.match(await finish(undefined, { ...start, state: other.state }), { ok: false, reason: tampered });
    t.match(await finish(undefined, { ...start, state: '' }), { ok: false, reason: tampered }, 'session lost its state');
  });

  t.test('a code cannot be used twice', async (t) => {
    const { finish } = await roundTrip(provider);
    t.equal((await finish()).ok, true);
    t.match(await finish(), { ok: false, reason: /refused the sign-in code/ });
  });

  t.test('a wrong PKCE verifier is refused', async (t) => {
    const { finish, start } = await roundTrip(provider);
    t.match(await finish(undefined, { ...start, codeVerifier: 'x'.repeat(43) }), { ok: false, reason: /refused the sign-in code/ });
  });

  t.test('an ID token with another nonce is refused', async (t) => {
    provider.setTokenOptions({ nonceOverride: 'someone-elses-nonce' });
    t.match(await signIn(provider), { ok: false, reason: /not issued for this sign-in/ });
  });

  t.test('an ID token for another client or from another issuer is refused', async (t) => {
    provider.setTokenOptions({ audienceOverride: 'another-client' });
    t.match(await signIn(provider), { ok: false, reason: /not issued for this sign-in/ });
    provider.setTokenOptions({ issuerOverride: 'https://evil.example' });
    t.match(await signIn(provider), { ok: false, reason: /not issued for this sign-in/ });
  });

  t.test('an expired ID token is refused', async (t) => {
    provider.setTokenOptions({ expiresInSec: -300 });
    t.match(await signIn(provider), { ok: false, reason: /ID token has expired/ });
  });

  t.test('an ID token with a bad signature is refused', async (t) => {
    provider.setTokenOptions({ badSignature: true });
    t.match(await signIn(provider), { ok: false, reason: /could not be verified/ });
  });

  t.test('a cancelled consent says so', async (t) => {
    provider.setNextError('access_denied');
    t.same(await signIn(provider), { ok: false, reason: 'Google sign-in was cancelled' });
  });

  t.test('another provider error is named, junk is not echoed', async (t) => {
    provider.setNextError('server_error');
    t.same(await signIn(provider), { ok: false, reason: 'Google sign-in failed: Google answered "server_error"' });
    const { finish, back } = await roundTrip(provider);
    back.searchParams.delete('code');
    back.searchParams.set('error', '<script>alert(1)</script>');
    t.same(await finish(back), { ok: false, reason: 'Google sign-in failed: Google answered "an error"' });
  });

  t.test('a wrong client secret is refused without quoting it', async (t) => {
    const oidc = oidcFor(provider, { clientSecret: 'wrong-secret' });
    const start = await oidc.startSignIn({ domains: ['example.com'] });
    const back = new URL(await provider.authorize(start.url));
    const result = await oidc.finishSignIn({ ...start, currentUrl: back, allowedDomains: ['example.com'] });
    t.same(result, { ok: false, reason: 'Google sign-in failed: Google rejected the Client ID or API key' });
  });

  t.test('the callback is matched against the registered redirect URI, whatever host the proxy passed on', async (t) => {
    const { finish, back } = await roundTrip(provider);
    const behindProxy = new URL(`http://10.0.0.5:3000/auth/google/callback${back.search}`);
    t.equal((await finish(behindProxy)).ok, true);
  });

  t.test('no secret appears in any reason', async (t) => {
    const reasons: string[] = [];
    const cases: Array<() => void> = [
      () => provider.setTokenOptions({ nonceOverride: 'n' }),
      () => provider.setTokenOptions({ expiresInSec: -300 }),
      () => provider.setTokenOptions({ badSignature: true }),
      () => provider.setIdentity({ hd: 'example.org' }),
    ];
    for (const arrange of cases) {
      arrange();
      const { finish, back } = await roundTrip(provider);
      const result = await finish();
      if (!result.ok) reasons.push(result.reason);
      t.notOk(reasons.some((reason) => reason.includes(back.searchParams.get('code')!)));
    }
    t.equal(reasons.length, cases.length);
    t.notOk(reasons.some((reason) => reason.includes(provider.clientSecret)));
  });

  t.test('the authorization URL', async (t) => {
    const oidc = oidcFor(provider);
    const one = await oidc.startSignIn({ domains: ['example.com'] });
    const url = new URL(one.url);
    const params = url.searchParams;
    t.equal(`${url.origin}${url.pathname}`, `${provider.issuer}/authorize`);
    t.equal(params.get('response_type'), 'code');
    t.equal(params.get('client_id'), provider.clientId);
    t.equal(params.get('redirect_uri'), REDIRECT_URI);
    t.equal(params.get('scope'), 'openid email profile');
    t.equal(params.get('prompt'), 'select_account');
    t.equal(params.get('state'), one.state);
    t.equal(params.get('nonce'), one.nonce);
    t.equal(params.get('code_challenge_method'), 'S256', 'PKCE S256');
    t.equal(params.get('code_challenge'), createHash('sha256').update(one.codeVerifier).digest('base64url'));
    t.notOk(params.has('code_verifier'), 'the verifier stays with us');
    t.equal(params.get('hd'), 'example.com', 'hd with exactly one domain');

    const several = new URL((await oidc.startSignIn({ domains: ['example.com', 'example.net'] })).url);
    t.notOk(several.searchParams.has('hd'), 'no hd with several domains');

    const again = await oidc.startSignIn({ domains: ['example.com'] });
    t.not(again.state, one.state, 'fresh state each time');
    t.not(again.nonce, one.nonce, 'fresh nonce each time');
    t.not(again.codeVerifier, one.codeVerifier, 'fresh verifier each time');
  });

  t.test('the fake provider accepts client_secret_basic too', async (t) => {
    const token = (authorization: string) =>
      fetch(`${provider.issuer}/token`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'unknown' }),
      });
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    t.equal((await token(basic(provider.clientId, 'nope'))).status, 401);
    const authenticated = await token(basic(provider.clientId, provider.clientSecret));
    t.same(await authenticated.json(), { error: 'invalid_grant', error_description: 'unknown, used or expired code' });
  });
});

t.test('an unreachable provider', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());
  const oidc = oidcFor(provider);
  const { back, start } = await roundTrip(provider);

  provider.down();
  t.ok(await oidc.startSignIn({ domains: ['example.com'] }), 'discovery is cached');
  t.same(await oidc.finishSignIn({ ...start, currentUrl: back, allowedDomains: ['example.com'] }), { ok: false, reason: UNAVAILABLE });
  await t.rejects(oidc.startSignIn({ domains: ['example.com'] }), new GoogleSignInError(UNAVAILABLE), 'looked up afresh after a failure');

  provider.up();
  const again = await oidc.startSignIn({ domains: ['example.com'] });
  const result = await oidc.finishSignIn({ ...again, currentUrl: new URL(await provider.authorize(again.url)), allowedDomains: ['example.com'] });
  t.equal(result.ok, true, 'recovers once the provider is back');
});

t.test('plain http is allowed only on loopback issuers', async (t) => {
  const settings = { clientId: 'id', clientSecret: 'secret', redirectUri: REDIRECT_URI };
  for (const issuerUrl of ['http://idp.example.com', 'http://10.0.0.1:8080', 'http://localhost.evil.com', 'http://128.0.0.1', 'ftp://127.0.0.1', 'not a url']) {
    t.throws(() => createGoogleOidc({ ...settings, issuerUrl }), /must use https \(plain http only on a loopback address\)/, issuerUrl);
  }
  for (const issuerUrl of ['https://accounts.google.com', 'http://127.0.0.1:4000', 'http://127.9.8.7', 'http://localhost:4000', 'http://[::1]:4000']) {
    t.doesNotThrow(() => checkIssuerUrl(issuerUrl), issuerUrl);
  }
});
