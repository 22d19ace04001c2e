import t from 'tap';
import type { RunJson, UserSideRuns } from '../../src/api/userside-runs.js';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';

type Teardown = { teardown(fn: () => unknown): void };

async function setup(t: Teardown) {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { access: 'write', indefinite: true });
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => callApi(app, key, method, url, payload);
  return { app, admin, api };
}

const ONU = { oltId: 1, shelf: 1, slot: 2, port: 3, number: 4, name: 'Flat 12', mac: 'AA-BB-CC-DD-EE-01', description: 'first floor' };

t.test('OLTs: create and list, with the OLT JSON of product.md', async (t) => {
  const { app, api } = await setup(t);
  const created = await api('POST', '/api/v1/olts', { name: 'OLT-North', model: 'ZTE C320', host: '10.0.0.3', description: 'Main' });
  t.equal(created.statusCode, 201);
  t.same(created.json(), { id: 1, name: 'OLT-North', model: 'ZTE C320', host: '10.0.0.3', description: 'Main', onuCount: 0 });
  await api('POST', '/api/v1/olts', { name: 'OLT-East', model: 'Huawei MA5608T' });
  await api('POST', '/api/v1/onus', ONU);

  const list = await api('GET', '/api/v1/olts');
  t.equal(list.statusCode, 200);
  t.same(list.json(), { items: [
    { id: 2, name: 'OLT-East', model: 'Huawei MA5608T', host: '', description: '', onuCount: 0 },
    { id: 1, name: 'OLT-North', model: 'ZTE C320', host: '10.0.0.3', description: 'Main', onuCount: 1 },
  ] });

  const duplicate = await api('POST', '/api/v1/olts', { name: 'olt-north', model: 'ZTE C320' });
  t.equal(duplicate.statusCode, 409);
  t.match(duplicate.json().error.message, /^name: /);
  const badHost = await api('POST', '/api/v1/olts', { name: 'X', model: 'ZTE C320', host: 'not a host!' });
  t.equal(badHost.statusCode, 400);
  t.same(badHost.json(), { error: { code: 'invalid_request', message: 'host: Enter a host name or an IP address' } });
  const event = app.db.$client.prepare("select actor_name as actor, message from events where kind = 'olt.created' order by id limit 1").get();
  t.same(event, { actor: 'api-key:test key', message: 'Created OLT "OLT-North" (ZTE C320) through the API' });
});

t.test('ONUs: create, get, patch, delete, with the ONU JSON of product.md', async (t) => {
  const { app, api } = await setup(t);
  await api('POST', '/api/v1/olts', { name: 'OLT-North', model: 'ZTE C320' });
  app.inventoryExtensions.customerJson = (ids) => new Map(ids.filter((id) => id === 1).map((id) => [id, { id: 77, full_name: 'Ivan Petrov', syncedAt: '2030-01-01T03:00:00.000Z' }]));

  const created = await api('POST', '/api/v1/onus', ONU);
  t.equal(created.statusCode, 201, created.body);
  t.equal(created.headers.location, '/api/v1/onus/1');
  const onu = created.json();
  t.match(onu.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601 in UTC');
  t.same(onu, {
    id: 1, name: 'Flat 12', olt: { id: 1, name: 'OLT-North' }, shelf: 1, slot: 2, port: 3, number: 4, position: '1/2/3:4',
    mac: 'aa:bb:cc:dd:ee:01', sn: null, description: 'first floor', createdAt: onu.createdAt,
    customer: { id: 77, full_name: 'Ivan Petrov', syncedAt: '2030-01-01T03:00:00.000Z' },
  });
  t.same((await api('GET', '/api/v1/onus/1')).json(), onu);

  const second = await api('POST', '/api/v1/onus', { oltId: 1, shelf: 1, slot: 2, port: 3, number: 5, sn: 'zteg-c6e96ad7' });
  t.equal(second.statusCode, 201);
  t.equal(second.json().sn, 'ZTEGC6E96AD7', 'stored upper-case');
  t.equal(second.json().mac, null);
  t.equal(second.json().customer, null, 'no customer: null');

  const patched = await api('PATCH', '/api/v1/onus/2', { name: 'Renamed', mac: 'aabb.ccdd.ee02', number: 6 });
  t.equal(patched.statusCode, 200);
  t.match(patched.json(), { id: 2, name: 'Renamed', mac: 'aa:bb:cc:dd:ee:02', sn: 'ZTEGC6E96AD7', position: '1/2/3:6' });
  const cleared = await api('PATCH', '/api/v1/onus/2', { sn: null });
  t.equal(cleared.json().sn, null);
  const nothingLeft = await api('PATCH', '/api/v1/onus/2', { mac: null });
  t.equal(nothingLeft.statusCode, 400);
  t.match(nothingLeft.json().error.message, /^mac: Enter a MAC address or a serial number/);

  const conflict = await api('PATCH', '/api/v1/onus/2', { mac: 'aa:bb:cc:dd:ee:01', number: 4 });
  t.equal(conflict.statusCode, 409);
  t.same(conflict.json(), { error: { code: 'conflict', message: 'number: This position is taken on this OLT (ONU #1); mac: This MAC belongs to ONU #1' } });
  const noOlt = await api('POST', '/api/v1/onus', { ...ONU, oltId: 9, mac: 'aa:bb:cc:dd:ee:09' });
  t.equal(noOlt.statusCode, 400);
  t.same(noOlt.json().error.message, 'oltId: No OLT with id 9');

  t.equal((await api('DELETE', '/api/v1/onus/2')).statusCode, 204);
  const gone = await api('GET', '/api/v1/onus/2');
  t.equal(gone.statusCode, 404);
  t.same(gone.json(), { error: { code: 'not_found', message: 'No ONU with id 2' } });
  t.equal((await api('DELETE', '/api/v1/onus/2')).statusCode, 404);
  t.equal((await api('PATCH', '/api/v1/onus/2', { name: 'x' })).statusCode, 404);

  const kinds = app.db.$client.prepare("select kind from events where actor_name = 'api-key:test key' order by id").all().map((r) => (r as { kind: string }).kind);
  t.same(kinds, ['olt.created', 'onu.created', 'onu.created', 'onu.updated', 'onu.updated', 'onu.deleted']);
});

t.test('ONU list: limit, opaque cursor, search and OLT filter', async (t) => {
  const { app, api } = await setup(t);
  await api('POST', '/api/v1/olts', { name: 'A', model: 'ZTE C320' });
  await api('POST', '/api/v1/olts', { name: 'B', model: 'ZTE C320' });
  for (let i = 1; i <= 7; i++) {
    const response = await api('POST', '/api/v1/onus', { oltId: i <= 4 ? 1 : 2, shelf: 0, slot: 0, port: 0, number: i, name: i % 2 ? `odd ${i}` : `even ${i}`, mac: `aa:bb:cc:00:00:0${i}` });
    t.equal(response.statusCode, 201);
  }
  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await api('GET', `/api/v1/onus?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    t.equal(page.statusCode, 200);
    const body = page.json() as { items: { id: number }[]; nextCursor: string | null };
    seen.push(...body.items.map((o) => o.id));
    cursor = body.nextCursor;
    if (cursor) t.notMatch(cursor, /^\d+$/, 'the cursor is not a bare id');
    pages++;
  } while (cursor);
  t.same(seen, [1, 2, 3, 4, 5, 6, 7]);
  t.equal(pages, 3);
  const exact = (await api('GET', '/api/v1/onus?limit=7')).json();
  t.equal(exact.items.length, 7);
  t.equal(exact.nextCursor, null, 'no empty last page');
  t.equal((await api('GET', '/api/v1/onus')).json().items.length, 7, 'default limit');

  t.same((await api('GET', '/api/v1/onus?search=odd')).json().items.map((o: { id: number }) => o.id), [1, 3, 5, 7]);
  t.same((await api('GET', '/api/v1/onus?search=00:00:05')).json().items.map((o: { id: number }) => o.id), [5]);
  t.same((await api('GET', '/api/v1/onus?olt=2')).json().items.map((o: { id: number }) => o.id), [5, 6, 7]);
  t.same((await api('GET', '/api/v1/onus?olt=2&search=even')).json().items.map((o: { id: number }) => o.id), [6]);
  t.same((await api('GET', '/api/v1/onus?search=nothing-like-this')).json(), { items: [], nextCursor: null });

  const badCursor = await api('GET', '/api/v1/onus?cursor=bm90LWEtY3Vyc29y');
  t.equal(badCursor.statusCode, 400);
  t.match(badCursor.json().error.message, /^cursor: /);
  t.ok(app);
});

t.test('schema validation: 400 naming the field, never a 500', async (t) => {
  const { api } = await setup(t);
  await api('POST', '/api/v1/olts', { name: 'A', model: 'ZTE C320' });
  const cases: [string, 'GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown, RegExp][] = [
    ['limit too big', 'GET', '/api/v1/onus?limit=501', undefined, /^limit: must be <= 500$/],
    ['limit zero', 'GET', '/api/v1/onus?limit=0', undefined, /^limit: /],
    ['limit not a number', 'GET', '/api/v1/onus?limit=ten', undefined, /^limit: must be a whole number$/],
    ['limit infinite', 'GET', '/api/v1/onus?limit=1e400', undefined, /^limit: must be a whole number$/],
    ['limit in hex', 'GET', '/api/v1/onus?limit=0x10', undefined, /^limit: must be a whole number$/],
    ['olt infinite', 'GET', '/api/v1/onus?olt=1e400', undefined, /^olt: must be a whole number$/],
    ['id infinite', 'GET', '/api/v1/onus/1e400', undefined, /^id: must be a whole number$/],
    ['olt not a number', 'GET', '/api/v1/onus?olt=abc', undefined, /^olt: /],
    ['cursor garbage', 'GET', '/api/v1/onus?cursor=%%%', undefined, /^cursor: /],
    ['id not a number', 'GET', '/api/v1/onus/abc', undefined, /^id: must be a whole number$/],
    ['id zero', 'GET', '/api/v1/onus/0', undefined, /^id: /],
    ['id huge', 'GET', '/api/v1/onus/99999999999999999999999', undefined, /^id: /],
    ['missing field', 'POST', '/api/v1/onus', { shelf: 1, slot: 1, port: 1, number: 1, mac: 'aa:bb:cc:dd:ee:ff' }, /^oltId: is required$/],
    ['wrong type', 'POST', '/api/v1/onus', { ...ONU, shelf: 'first' }, /^shelf: must be integer$/],
    ['out of range', 'POST', '/api/v1/onus', { ...ONU, port: 256 }, /^port: must be <= 255$/],
    ['negative', 'POST', '/api/v1/onus', { ...ONU, number: -1 }, /^number: /],
    ['bad MAC', 'POST', '/api/v1/onus', { ...ONU, mac: 'zz:zz' }, /^mac: Enter a MAC address/],
    ['bad SN', 'POST', '/api/v1/onus', { ...ONU, sn: '!!!' }, /^sn: /],
    ['neither MAC nor SN', 'POST', '/api/v1/onus', { ...ONU, mac: undefined }, /^mac: Enter a MAC address or a serial number/],
    ['name too long', 'POST', '/api/v1/onus', { ...ONU, name: 'x'.repeat(101) }, /^name: /],
    ['MAC an object', 'POST', '/api/v1/onus', { ...ONU, mac: { a: 1 } }, /^mac: /],
    ['unknown field', 'POST', '/api/v1/onus', { ...ONU, nmae: 'typo' }, /^nmae: is not a field of this request/],
    ['null name', 'PATCH', '/api/v1/onus/1', { name: null }, /^name: must not be null$/],
    ['null shelf', 'POST', '/api/v1/onus', { ...ONU, shelf: null }, /^shelf: must not be null$/],
    ['null OLT description', 'POST', '/api/v1/olts', { name: 'C', model: 'ZTE C320', description: null }, /^description: must not be null$/],
    ['body an array', 'POST', '/api/v1/onus', [ONU], /^body: must be object$/],
    ['no body', 'POST', '/api/v1/onus', undefined, /^body: /],
    ['empty patch', 'PATCH', '/api/v1/onus/1', {}, /^body: /],
    ['model unknown', 'POST', '/api/v1/olts', { name: 'B', model: 'Cisco' }, /^model: must be one of ZTE C220, /],
    ['OLT name empty', 'POST', '/api/v1/olts', { name: '', model: 'ZTE C320' }, /^name: /],
    ['OLT name missing', 'POST', '/api/v1/olts', { model: 'ZTE C320' }, /^name: is required$/],
  ];
  for (const [label, method, url, payload, message] of cases) {
    const response = await api(method, url, payload);
    t.equal(response.statusCode, 400, `${label}: ${response.body}`);
    t.equal(response.json().error.code, 'invalid_request', label);
    t.match(response.json().error.message, message, label);
  }
});

t.test('malformed JSON and wrong content types are 4xx with the error shape', async (t) => {
  const { app, admin } = await setup(t);
  const key = await generateKey(admin, { access: 'write', indefinite: true });
  const headers = { authorization: `Bearer ${key}` };
  const broken = await app.inject({ method: 'POST', url: '/api/v1/olts', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"name": ' });
  t.equal(broken.statusCode, 400);
  t.same(broken.json(), { error: { code: 'invalid_request', message: 'body: is not valid JSON' } });
  const proto = await app.inject({ method: 'POST', url: '/api/v1/olts', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}, "name": "a", "model": "ZTE C320"}' });
  t.equal(proto.statusCode, 400);
  const text = await app.inject({ method: 'POST', url: '/api/v1/olts', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'name=a' });
  t.equal(text.statusCode, 400);
  t.same(text.json(), { error: { code: 'invalid_request', message: 'body: must be object' } });
  const xml = await app.inject({ method: 'POST', url: '/api/v1/olts', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<olt/>' });
  t.equal(xml.statusCode, 415);
  t.match(xml.json(), { error: { code: 'unsupported_media_type' } });
  const unknownRoute = await app.inject({ method: 'GET', url: '/api/v1/nothing', headers });
  t.equal(unknownRoute.statusCode, 404);
  t.same(unknownRoute.json(), { error: { code: 'not_found', message: 'Not found' } });
});

t.test('UserSide runs: an empty list and 409 while the integration is off; the integration\'s answers otherwise', async (t) => {
  const { app, api } = await setup(t);
  t.same((await api('GET', '/api/v1/userside/runs')).json(), { items: [] });
  const refused = await api('POST', '/api/v1/userside/runs');
  t.equal(refused.statusCode, 409);
  t.same(refused.json(), { error: { code: 'conflict', message: 'UserSide integration is off' } });

  const run: RunJson = {
    id: 3, type: 'sync', trigger: 'api', status: 'running', startedAt: '2030-01-10T12:00:00.000Z', finishedAt: null,
    customersTotal: null, customersFetched: 0, onusLinked: 0, onusChanged: 0, onusUnlinked: 0, conflicts: 0, error: null,
  };
  const started: unknown[] = [];
  let running = false;
  const runs: UserSideRuns = {
    list: () => (running ? [run] : []),
    start(trigger, actor) {
      if (running) return { ok: false, reason: 'A run is already in progress' };
      started.push({ trigger, actor });
      running = true;
      return { ok: true, run };
    },
  };
  // The API answers whatever the integration says (its own tests cover what it says).
  app.userSideRuns = runs;

  const accepted = await api('POST', '/api/v1/userside/runs');
  t.equal(accepted.statusCode, 202);
  t.same(accepted.json(), run);
  t.same(started, [{ trigger: 'api', actor: { id: null, name: 'api-key:test key' } }]);
  t.same((await api('GET', '/api/v1/userside/runs')).json(), { items: [run] });
  const busy = await api('POST', '/api/v1/userside/runs');
  t.equal(busy.statusCode, 409);
  t.same(busy.json(), { error: { code: 'conflict', message: 'A run is already in progress' } });
});

t.test('the ONU list never answers from before a change, whoever made it', async (t) => {
  const { app, admin, api } = await setup(t);
  await api('POST', '/api/v1/olts', { name: 'A', model: 'ZTE C320' });
  const ids = async () => (await api('GET', '/api/v1/onus')).json().items.map((o: { id: number; name: string }) => `${o.id}:${o.name}`);
  t.same(await ids(), []);
  t.same(await ids(), [], 'asked twice');

  await api('POST', '/api/v1/onus', ONU);
  t.same(await ids(), ['1:Flat 12'], 'a change through the API');

  const page = await admin.post('/onus', { oltId: '1', shelf: '0', slot: '1', port: '1', number: '9', name: 'From the page', mac: '', sn: 'ZTEGC6E96AD9', description: '' });
  t.equal(page.statusCode, 302, 'created through the inventory page');
  t.same(await ids(), ['1:Flat 12', '2:From the page'], 'a change through the pages');

  const Database = (await import('better-sqlite3')).default;
  const other = new Database(app.db.$client.name);
  other.prepare("update onus set name = 'Renamed elsewhere' where id = 1").run();
  other.close();
  t.same(await ids(), ['1:Renamed elsewhere', '2:From the page'], 'a change from another connection');
});
