import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { generateKey, setExternalApi } from '../helpers/api-keys.js';

const hostileString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom("'; drop table onus; --", '<script>x</script>', '\u0000', 'ab\u0000cd', '"quoted" OR x*', '\ud800', '1e400', '-1', '0x10', 'NaN', '__proto__', 'x'.repeat(5_000), 'aa:bb:cc:dd:ee:ff', 'ZTEGC6E96AD7'),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(hostileString, tie('value'), { maxKeys: 3 })),
})).value;
const fieldName = fc.constantFrom('__proto__', 'constructor', 'name', 'model', 'host', 'description', 'oltId', 'shelf', 'slot', 'port', 'number', 'mac', 'sn', 'id', 'extra');
const body = fc.oneof(fc.dictionary(fieldName, hostileValue, { maxKeys: 6 }), hostileValue);
const query = fc.dictionary(fc.constantFrom('search', 'olt', 'limit', 'cursor', '__proto__'), hostileString, { maxKeys: 4 });
const pathParam = fc.oneof(hostileString, fc.constantFrom('1', '2', '999999', '0'));

function fingerprint(app: { db: { $client: { prepare(sql: string): { all(): unknown[] } } } }): string {
  const hash = createHash('sha256');
  for (const table of ['olts', 'onus', 'userside_runs', 'api_keys']) {
    const rows = app.db.$client.prepare(`select * from ${table}`).all();
    // last_used_* of a key changes on any authenticated request, refused or not.
    hash.update(JSON.stringify(table === 'api_keys' ? rows.map((r) => ({ ...(r as object), last_used_at: null, last_used_ip: null })) : rows));
  }
  return hash.digest('hex');
}

t.test('every External API route survives hostile input: no 5xx, the error shape, no change on refusal', async (t) => {
  const routes: { method: string; url: string }[] = [];
  const app = await buildTestApp(t, {
    apiRateLimitPerMinute: 1_000_000,
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (route.url.startsWith('/api/v1/') && method !== 'HEAD') routes.push({ method, url: route.url });
    },
  });
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { access: 'write', indefinite: true });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  await app.inject({ method: 'POST', url: '/api/v1/olts', headers, payload: { name: 'OLT-Fuzz', model: 'ZTE C320' } });
  await app.inject({ method: 'POST', url: '/api/v1/onus', headers, payload: { oltId: 1, shelf: 1, slot: 1, port: 1, number: 1, mac: '00:11:22:33:44:55' } });

  t.ok(routes.length >= 8, `${routes.length} API routes fuzzed`);
  for (const route of routes) {
    await fc.assert(fc.asyncProperty(pathParam, query, body, async (param, search, payload) => {
      // A lone surrogate cannot be percent-encoded: the client sends U+FFFD, as browsers do.
      const url = route.url.replace(/:[a-zA-Z]+/g, encodeURIComponent(param.replace(/[\ud800-\udfff]/g, '\ufffd'))) + '?' + new URLSearchParams(search).toString();
      const before = fingerprint(app);
      const sendsBody = route.method === 'POST' || route.method === 'PATCH';
      const r = await app.inject({ method: route.method as 'GET', url, headers, ...(sendsBody ? { payload: JSON.stringify(payload) } : {}) });
      if (r.statusCode >= 500) throw new Error(`${route.method} ${url} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      if (r.statusCode >= 400) {
        const error = (r.json() as { error?: { code?: unknown; message?: unknown } }).error;
        if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new Error(`${route.method} ${url}: ${r.statusCode} without the error shape: ${r.body.slice(0, 200)}`);
        if (fingerprint(app) !== before) throw new Error(`${route.method} ${url} refused (${r.statusCode}) but changed stored data`);
      }
      if (r.headers['content-type']?.toString().includes('json') === false) throw new Error(`${route.method} ${url}: not JSON`);
    }), { numRuns: 40, seed: 20261204 });
    t.pass(`${route.method} ${route.url}`);
  }
});
