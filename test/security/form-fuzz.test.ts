import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { addOlt, addOnu } from '../helpers/inventory.js';

const PROBE = '<x-probe onload=1>';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Routes whose success would end the fuzzing client's own session.
const SKIP = new Set(['/logout']);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    PROBE, `"${PROBE}`, "'; drop table users; --", '%00', '\u0000\u0001\u001f', '\ud800', '../../etc/passwd',
    '__proto__', 'constructor', 'x'.repeat(20_000), '-1', '1e309', 'NaN', 'on', 'admin', 'aa:bb:cc:dd:ee:ff', 'https://x.example',
  ),
);
const fieldName = fc.constantFrom(
  '__proto__', 'constructor', 'prototype', 'name', 'username', 'password', 'role', 'enabled', 'domains', 'clientId', 'apiKey',
  'model', 'host', 'description', 'oltId', 'shelf', 'slot', 'port', 'number', 'mac', 'sn', 'apiUrl', 'type', 'interval',
  'fields', 'expiry', 'indefinite', 'access', 'displayName', 'email', 'next', 'snFieldId', 'search',
);
const formBody = fc.array(fc.tuple(fieldName, fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }))), { maxLength: 8 });

/** Everything stored except the event log (a refused attempt may be recorded there on purpose). */
function fingerprint(db: { $client: { prepare(sql: string): { all(): unknown[] } } }): string {
  const tables = db.$client.prepare("select name from sqlite_master where type = 'table' and name not in ('events', '__drizzle_migrations') and name not like 'sqlite_%'").all() as { name: string }[];
  const hash = createHash('sha256');
  for (const { name } of tables) hash.update(name + JSON.stringify(db.$client.prepare(`select * from "${name}"`).all()));
  return hash.digest('hex');
}

t.test('every form survives hostile input: no 5xx, no unescaped value, no change on refusal', async (t) => {
  const routes: { method: string; url: string }[] = [];
  const onRoute = (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  };
  const app = await buildTestApp(t, { onRoute });
  const admin = await new TestClient(app).signIn();
  await admin.get('/olts');
  const oltId = await addOlt(admin, 'OLT-Fuzz');
  await admin.get('/onus/new');
  await addOnu(admin, { oltId: String(oltId), mac: '00:11:22:33:44:55' });
  await admin.get('/users');
  await admin.post('/users', { username: 'target', role: 'operator', password: 'password-123' });

  const forms = routes.filter((r) => STATE_CHANGING.has(r.method) && !r.url.startsWith('/api/') && !SKIP.has(r.url));
  t.ok(forms.length >= 8, `${forms.length} form routes fuzzed`);
  for (const route of forms) {
    const url = route.url.replace(/:[a-zA-Z]+/g, route.url.startsWith('/users') ? '2' : '1');
    await fc.assert(fc.asyncProperty(formBody, async (fields) => {
      await admin.get('/settings/integration');
      const body = new URLSearchParams([['_csrf', admin.csrfToken]]);
      for (const [name, value] of fields) for (const one of [value].flat()) body.append(name, one);
      const before = fingerprint(app.db);
      const r = await admin.request({ method: route.method as 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      if (r.statusCode >= 500) throw new Error(`${route.method} ${url} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      if (r.body.includes(PROBE)) throw new Error(`${route.method} ${url} echoed the probe unescaped`);
      if (r.statusCode >= 400 && fingerprint(app.db) !== before) throw new Error(`${route.method} ${url} refused (${r.statusCode}) but changed stored data`);
    }), { numRuns: 12, seed: 20261203 });
    t.pass(`${route.method} ${route.url}`);
  }
});
