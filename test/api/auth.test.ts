import t from 'tap';
import { generateApiKey } from '../../src/apikeys/key-format.js';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';

type Teardown = { teardown(fn: () => unknown): void };

async function setup(t: Teardown, options: { now?: () => Date; apiRateLimitPerMinute?: number } = {}) {
  const app = await buildTestApp(t, options);
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  return { app, admin };
}

function keyRow(app: Awaited<ReturnType<typeof buildTestApp>>) {
  return app.db.$client.prepare('select last_used_at as at, last_used_ip as ip from api_keys order by id desc limit 1').get() as { at: number | null; ip: string | null };
}

t.test('missing, malformed, unknown, expired and revoked keys: the same 401', async (t) => {
  let now = new Date('2030-01-10T12:00:00.000Z');
  const { app, admin } = await setup(t, { now: () => now });
  const expiring = await generateKey(admin, { name: 'expiring', expiryDate: '2030-01-11' });
  const revoked = await generateKey(admin, { name: 'revoked', indefinite: true });
  const valid = await generateKey(admin, { name: 'valid', indefinite: true });
  const id = /<tr id="apikey-(\d+)">\s*<td>revoked/.exec((await admin.get('/settings/integration')).body)![1];
  await admin.post(`/settings/integration/apikeys/${id}/delete`);
  now = new Date('2030-01-12T00:00:00.000Z');

  const flipped = valid.slice(0, 10) + (valid[10] === 'a' ? 'b' : 'a') + valid.slice(11);
  const requests: [string, Record<string, string>][] = [
    ['missing', {}],
    ['empty bearer', { authorization: 'Bearer ' }],
    ['other scheme', { authorization: `Basic ${valid}` }],
    ['no scheme', { authorization: valid }],
    ['malformed', { authorization: 'Bearer not-a-key' }],
    ['bad checksum', { authorization: `Bearer ${flipped}` }],
    ['unknown', { authorization: `Bearer ${generateApiKey()}` }],
    ['unknown by X-API-Key', { 'x-api-key': generateApiKey() }],
    ['expired', { authorization: `Bearer ${expiring}` }],
    ['revoked', { 'x-api-key': revoked }],
  ];
  const bodies = new Set<string>();
  for (const [label, headers] of requests) {
    const response = await app.inject({ method: 'GET', url: '/api/v1/onus', headers });
    t.equal(response.statusCode, 401, label);
    t.equal(response.headers['www-authenticate'], 'Bearer', label);
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8', label);
    bodies.add(response.body);
  }
  t.equal(bodies.size, 1, 'one body for all');
  t.same(JSON.parse([...bodies][0]!), { error: { code: 'unauthorized', message: 'A valid API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".' } });

  t.equal((await callApi(app, valid, 'GET', '/api/v1/onus')).statusCode, 200, 'Bearer');
  t.equal((await app.inject({ url: '/api/v1/onus', headers: { 'x-api-key': valid } })).statusCode, 200, 'X-API-Key');
  t.equal((await app.inject({ url: '/api/v1/onus', headers: { authorization: `bearer ${valid}` } })).statusCode, 200, 'the scheme is case-insensitive');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/olts', payload: { name: 'x', model: 'nope' } })).statusCode, 401, 'authentication comes before validation');
});

t.test('the checksum is checked before any database lookup', async (t) => {
  const { app, admin } = await setup(t);
  const key = await generateKey(admin, { indefinite: true });
  // Without the table, a lookup would fail loudly: only the checksum can have refused these.
  app.db.$client.exec('drop table api_keys');
  const badChecksum = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
  t.equal((await callApi(app, badChecksum, 'GET', '/api/v1/onus')).statusCode, 401);
  t.equal((await callApi(app, 'epk_short', 'GET', '/api/v1/onus')).statusCode, 401);
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 500, 'a well-formed key does reach the database');
});

t.test('a key works through the end of its expiry day (UTC), not a millisecond longer', async (t) => {
  let now = new Date('2030-01-10T12:00:00.000Z');
  const { app, admin } = await setup(t, { now: () => now });
  const key = await generateKey(admin, { expiryDate: '2030-01-11' });
  for (const at of ['2030-01-10T12:00:01.000Z', '2030-01-11T00:00:00.000Z', '2030-01-11T23:59:59.999Z']) {
    now = new Date(at);
    t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 200, at);
  }
  now = new Date('2030-01-12T00:00:00.000Z');
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 401, 'the next day');
});

t.test('revocation takes effect on the very next request', async (t) => {
  const { app, admin } = await setup(t);
  const key = await generateKey(admin, { indefinite: true });
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 200);
  const id = /<tr id="apikey-(\d+)"/.exec((await admin.get('/settings/integration')).body)![1];
  await admin.post(`/settings/integration/apikeys/${id}/delete`);
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 401);
});

t.test('a read-only key reads but gets 403 on every write', async (t) => {
  const { app, admin } = await setup(t);
  const key = await generateKey(admin, { access: 'read', indefinite: true });
  t.equal((await callApi(app, key, 'GET', '/api/v1/olts')).statusCode, 200);
  const writes: ['POST' | 'PATCH' | 'DELETE', string, unknown][] = [
    ['POST', '/api/v1/olts', { name: 'OLT-1', model: 'ZTE C320' }],
    ['POST', '/api/v1/onus', { oltId: 1, shelf: 1, slot: 1, port: 1, number: 1, mac: 'aa:bb:cc:dd:ee:ff' }],
    ['PATCH', '/api/v1/onus/1', { name: 'x' }],
    ['DELETE', '/api/v1/onus/1', undefined],
    ['POST', '/api/v1/userside/runs', undefined],
  ];
  for (const [method, url, payload] of writes) {
    const response = await callApi(app, key, method, url, payload);
    t.equal(response.statusCode, 403, `${method} ${url}`);
    t.same(response.json(), { error: { code: 'forbidden', message: 'This API key is read only: writing needs a key with "Read and write" access.' } });
  }
  t.same((await callApi(app, key, 'GET', '/api/v1/olts')).json(), { items: [] }, 'nothing was written');
});

t.test('rate limit per key: 429 with Retry-After, other keys unaffected', async (t) => {
  const { app, admin } = await setup(t, { apiRateLimitPerMinute: 3 });
  const first = await generateKey(admin, { name: 'first', indefinite: true });
  const second = await generateKey(admin, { name: 'second', indefinite: true });
  for (let i = 0; i < 3; i++) t.equal((await callApi(app, first, 'GET', '/api/v1/olts')).statusCode, 200);
  const limited = await callApi(app, first, 'GET', '/api/v1/olts');
  t.equal(limited.statusCode, 429);
  t.match(limited.headers['retry-after'], /^\d+$/);
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60);
  t.equal(limited.json().error.code, 'rate_limited');
  t.equal((await callApi(app, second, 'GET', '/api/v1/olts')).statusCode, 200, 'another key has its own budget');
  t.equal((await callApi(app, generateApiKey(), 'GET', '/api/v1/olts')).statusCode, 401, 'unknown keys are refused, not counted');
});

t.test('the default limit is 600 a minute', async (t) => {
  const { app, admin } = await setup(t);
  const key = await generateKey(admin, { indefinite: true });
  const response = await callApi(app, key, 'GET', '/api/v1/olts');
  t.equal(response.headers['x-ratelimit-limit'], '600');
});

t.test('last activity and IP are written at most once a minute per key', async (t) => {
  let now = new Date('2030-01-10T12:00:00.000Z');
  const { app, admin } = await setup(t, { now: () => now });
  const key = await generateKey(admin, { indefinite: true });
  t.same(keyRow(app), { at: null, ip: null });
  await app.inject({ url: '/api/v1/olts', headers: { 'x-api-key': key }, remoteAddress: '198.51.100.1' });
  t.same(keyRow(app), { at: now.getTime(), ip: '198.51.100.1' });
  const firstUse = now.getTime();
  now = new Date('2030-01-10T12:00:59.000Z');
  await app.inject({ url: '/api/v1/olts', headers: { 'x-api-key': key }, remoteAddress: '198.51.100.2' });
  t.same(keyRow(app), { at: firstUse, ip: '198.51.100.1' }, 'within the minute: not written');
  now = new Date('2030-01-10T12:01:00.000Z');
  await app.inject({ url: '/api/v1/olts', headers: { 'x-api-key': key }, remoteAddress: '198.51.100.3' });
  t.same(keyRow(app), { at: now.getTime(), ip: '198.51.100.3' });
});

t.test('switch off: every /api route, the OpenAPI document and /api/docs answer like an unknown address', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { access: 'write', indefinite: true });
  await setExternalApi(admin, false);

  const unknown = await app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
  t.equal(unknown.statusCode, 404);
  const urls: ['GET' | 'POST' | 'PATCH' | 'DELETE', string][] = [
    ['GET', '/api/v1/onus'], ['GET', '/api/v1/onus/1'], ['POST', '/api/v1/onus'], ['PATCH', '/api/v1/onus/1'], ['DELETE', '/api/v1/onus/1'],
    ['GET', '/api/v1/olts'], ['POST', '/api/v1/olts'], ['GET', '/api/v1/userside/runs'], ['POST', '/api/v1/userside/runs'],
    ['GET', '/api/v1/openapi.json'], ['GET', '/api/docs'], ['GET', '/api/docs/'], ['GET', '/api/docs/json'], ['GET', '/api/docs/static/swagger-ui.css'],
  ];
  for (const [method, url] of urls) {
    for (const headers of [{}, { authorization: `Bearer ${key}` }]) {
      const response = await app.inject({ method, url, headers });
      t.equal(response.statusCode, 404, `${method} ${url}`);
      t.equal(response.body, unknown.body, `${method} ${url}: the unknown-route body`);
      t.equal(response.headers['content-type'], unknown.headers['content-type']);
      t.equal(response.headers['www-authenticate'], undefined);
    }
  }
  await setExternalApi(admin, true);
  t.equal((await callApi(app, key, 'GET', '/api/v1/onus')).statusCode, 200, 'on again: the same key works');
  t.equal((await app.inject('/api/docs')).statusCode, 200);
});
