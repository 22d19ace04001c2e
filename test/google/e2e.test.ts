import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startFakeOidcProvider } from '../fakes/oidc-provider.js';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.js';
import { launchBrowser, listen, signInWithPassword } from '../helpers/browser.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI in a temporary directory. */
function selfSignedCertificate(t: Teardown): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'easypon-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('/usr/bin/openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', key, '-out', cert,
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/** The HTTPS reverse proxy of a real install: TLS here, plain http to the app, X-Forwarded-* added. */
async function startHttpsProxy(t: Teardown): Promise<{ port: number; forwardTo(port: number): void }> {
  let appPort = 0;
  const server = https.createServer(selfSignedCertificate(t), (req, res) => {
    const upstream = http.request({
      host: '127.0.0.1',
      port: appPort,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'https' },
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { port: (server.address() as AddressInfo).port, forwardTo: (port) => { appPort = port; } };
}

t.test('behind an HTTPS proxy, an admin turns Google on and a new operator signs in with it', async (t) => {
  const provider = await startFakeOidcProvider();
  t.teardown(() => provider.close());
  const proxy = await startHttpsProxy(t);
  const publicUrl = `https://127.0.0.1:${proxy.port}`;
  const app = await buildTestApp(t, { env: { PUBLIC_URL: publicUrl, TRUST_PROXY: '127.0.0.1', GOOGLE_ISSUER_URL: provider.issuer } });
  proxy.forwardTo(Number(new URL(await listen(app)).port));
  const browser = await launchBrowser(t, ['--ignore-certificate-errors']);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInWithPassword(admin, publicUrl, 'admin', ADMIN_PASSWORD);
  const cookies = await adminContext.cookies();
  t.ok(cookies.find((c) => c.name === 'easypon_session')?.secure, 'the session cookie is Secure');

  await admin.goto(`${publicUrl}/settings/integration`);
  const card = admin.locator('#card-google');
  await card.getByText(`${publicUrl}/auth/google/callback`).waitFor();
  await card.getByLabel('Turn on Google Authorization?').check();
  await card.getByText('On, but not configured yet').waitFor();

  await card.getByLabel('Client ID').fill(provider.clientId);
  const apiKey = card.getByLabel('API key');
  await apiKey.fill(provider.clientSecret);
  await card.getByRole('button', { name: 'Show' }).click();
  t.equal(await apiKey.getAttribute('type'), 'text', 'the eye shows what is typed');
  await card.getByLabel('Allowed domain').first().fill('Example.com');
  const domains = card.getByLabel('Allowed domain');
  await card.getByRole('button', { name: 'Add domain' }).click();
  await domains.nth(1).waitFor();
  await card.getByRole('button', { name: 'Add domain' }).click();
  await domains.nth(2).waitFor();
  await domains.nth(1).fill('removed.example.net');
  await card.getByRole('button', { name: 'Remove this domain' }).nth(1).click();
  t.equal(await domains.count(), 2, 'rows are added and removed in place');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByText('Google Authorization settings saved').waitFor();
  t.equal(await card.getByText('On, but not configured yet').count(), 0, 'the status line is refreshed in place');
  t.equal(await card.getByLabel('API key').inputValue(), '', 'the key is not sent back');
  t.equal(await domains.first().inputValue(), 'example.com', 'stored lower-case, the removed row gone');
  t.equal(await domains.count(), 2, 'the saved domain and one empty row');

  await card.getByRole('button', { name: 'Verify with Google' }).click();
  await admin.waitForURL(`${publicUrl}/settings/integration#card-google`);
  await admin.getByText('Last verification: Google Authorization verified for ops@example.com').waitFor();

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(`${publicUrl}/login`);
  await fresh.getByRole('button', { name: 'Sign in with Google' }).click();
  await fresh.waitForURL(`${publicUrl}/`);
  await fresh.getByText('Ops Person (operator)').waitFor();
  t.pass('signed in as the new operator');
});
