import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export const ADMIN_PASSWORD = 'admin-password-1';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestAppOptions extends AppDeps {
  env?: Record<string, string>;
  dataDir?: string;
}

/** The whole app on a fresh temporary database, closed and removed after the test. */
export async function buildTestApp(t: Teardown, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'easypon-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD, ...options.env });
  const app = await buildApp(config, options);
  t.teardown(async () => {
    await app.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return app;
}

/** A cookie-keeping client over app.inject that posts forms with the page's CSRF token. */
export class TestClient {
  cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly app: FastifyInstance) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const response = await this.app.inject({ ...options, headers: { ...(cookie ? { cookie } : {}), ...options.headers } });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name); else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrfToken = token;
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** Posts a urlencoded form; arrays become repeated fields. The CSRF token is added unless given. */
  async post(url: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    if (!this.csrfToken) await this.get('/login');
    const body = new URLSearchParams();
    if (!('_csrf' in form)) body.append('_csrf', this.csrfToken);
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request({ method: 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  async signIn(username = 'admin', password = ADMIN_PASSWORD) {
    await this.get('/login');
    const response = await this.post('/login', { username, password });
    if (response.statusCode !== 302) throw new Error(`sign-in as ${username} failed: ${response.statusCode}`);
    await this.get('/');
    return this;
  }
}

/** A signed-in client for a new user with that role (created by the admin through /users). */
export async function clientWithRole(app: FastifyInstance, role: 'admin' | 'operator', username = `${role}1`): Promise<TestClient> {
  const admin = await new TestClient(app).signIn();
  const created = await admin.post('/users', { username, displayName: username, email: '', role, password: 'password-123' });
  if (created.statusCode !== 302) throw new Error(`could not create ${username}: ${created.body}`);
  return new TestClient(app).signIn(username, 'password-123');
}
