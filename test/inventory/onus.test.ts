import t from 'tap';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';
import { addOlt, addOnu, textOf } from '../helpers/inventory.js';

const EMPTY_ONU = { oltId: '', shelf: '', slot: '', port: '', number: '', name: '', mac: '', sn: '', description: '' };

async function inventoryWithOlt(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t, { now: () => new Date('2026-03-04T05:06:07Z') });
  const c = await new TestClient(app).signIn();
  const oltId = await addOlt(c, 'OLT-A');
  return { app, c, oltId };
}

t.test('creating an ONU: every validation message, typed values kept', async (t) => {
  const { c, oltId } = await inventoryWithOlt(t);
  const form = await c.get('/onus/new');
  t.equal(form.statusCode, 200);
  for (const label of ['OLT', 'Shelf', 'Slot', 'Port', 'Number', 'Name', 'MAC', 'Serial number', 'Description', 'Create ONU']) t.match(form.body, `>${label}<`);
  t.match(form.body, `<option value="${oltId}" selected>OLT-A (ZTE C320)</option>`, 'the only OLT is chosen');

  const good = { ...EMPTY_ONU, oltId: String(oltId), shelf: '0', slot: '1', port: '2', number: '3', mac: 'aa:bb:cc:dd:ee:ff' };
  const cases: [Record<string, string>, string, string][] = [
    [{ oltId: '' }, 'oltId', 'Choose an OLT'],
    [{ oltId: '999' }, 'oltId', 'Choose an OLT'],
    [{ shelf: '' }, 'shelf', 'Enter a whole number from 0 to 255'],
    [{ slot: 'x' }, 'slot', 'Enter a whole number from 0 to 255'],
    [{ port: '256' }, 'port', 'Enter a whole number from 0 to 255'],
    [{ number: '-1' }, 'number', 'Enter a whole number from 0 to 65535'],
    [{ name: 'n'.repeat(101) }, 'name', 'Use at most 100 characters'],
    [{ mac: 'aa:bb:cc' }, 'mac', 'Enter a MAC address like aa:bb:cc:dd:ee:ff'],
    [{ sn: 'ZT!' }, 'sn', 'Enter a serial number like ZTEGC6E96AD7'],
    [{ mac: '', sn: '' }, 'mac', 'Enter a MAC address or a serial number (or both)'],
    [{ description: 'd'.repeat(501) }, 'description', 'Use at most 500 characters'],
  ];
  for (const [change, field, message] of cases) {
    const response = await c.post('/onus', { ...good, ...change });
    t.equal(response.statusCode, 400, message);
    t.match(response.body, `id="onu-${field}-error">${message}`, `${field}: ${message}`);
  }
  const typed = await c.post('/onus', { ...good, name: 'Flat 7', mac: 'not a mac', sn: 'ztegc6e96ad7', description: 'Kept' });
  for (const value of ['value="Flat 7"', 'value="not a mac"', 'value="ztegc6e96ad7"', 'value="Kept"', 'value="0"', 'value="2"', 'value="3"']) t.match(typed.body, value);
  t.match(typed.body, `<option value="${oltId}" selected>`);
});

t.test('an ONU position, MAC and serial number are each unique', async (t) => {
  const { c, oltId } = await inventoryWithOlt(t);
  const first = await addOnu(c, { oltId: String(oltId), shelf: '0', slot: '1', port: '1', number: '1', mac: 'AA-BB-CC-DD-EE-01', sn: 'ZTEG-C6E96AD7' });
  const base = { ...EMPTY_ONU, oltId: String(oltId), shelf: '0', slot: '1', port: '1', number: '2' };
  const position = await c.post('/onus', { ...base, number: '1', mac: '00:00:00:00:00:02' });
  t.equal(position.statusCode, 400);
  t.match(position.body, `id="onu-number-error">This position is taken on this OLT (ONU #${first})`);
  const mac = await c.post('/onus', { ...base, mac: 'aabb.ccdd.ee01' });
  t.match(mac.body, `id="onu-mac-error">This MAC belongs to ONU #${first}`);
  const sn = await c.post('/onus', { ...base, sn: '5A544547C6E96AD7' });
  t.match(sn.body, `id="onu-sn-error">This serial number belongs to ONU #${first}`);
  const otherOlt = await addOlt(c, 'OLT-B');
  t.equal((await c.post('/onus', { ...base, oltId: String(otherOlt), number: '1', mac: '00:00:00:00:00:03' })).statusCode, 302, 'the same position on another OLT is fine');
});

t.test('creating, viewing, editing and deleting an ONU', async (t) => {
  const { c, oltId } = await inventoryWithOlt(t);
  const created = await c.post('/onus', { ...EMPTY_ONU, oltId: String(oltId), shelf: '1', slot: '2', port: '3', number: '4', name: 'Flat 12', mac: 'C6E9AABBCCDD', sn: 'ztegc6e96ad7', description: 'Main St 5' });
  t.equal(created.statusCode, 302);
  const id = Number(/\/onus\/(\d+)/.exec(created.headers.location as string)![1]);

  const page = await c.get(`/onus/${id}`);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), 'ONU c6:e9:aa:bb:cc:dd / ZTEGC6E96AD7 added.');
  t.match(page.body, '<h1>c6:e9:aa:bb:cc:dd / ZTEGC6E96AD7</h1>');
  t.match(page.body, /OLT <a href="\/onus\?olt=\d+">OLT-A<\/a> · position 1\/2\/3:4/);
  t.match(page.body, '<h2>Information</h2>');
  t.match(page.body, '<dt>Name</dt><dd>Flat 12</dd>');
  t.match(page.body, `<dt>ID</dt><dd>${id}</dd>`);
  t.match(page.body, '<dt>MAC/SN</dt><dd><code>c6:e9:aa:bb:cc:dd / ZTEGC6E96AD7</code></dd>');
  t.match(page.body, '<dt>OLT</dt><dd>OLT-A (1/2/3:4)</dd>');
  t.match(page.body, '<dt>Date created</dt><dd><time datetime="2026-03-04T05:06:07.000Z">2026-03-04 05:06 UTC</time></dd>');
  t.match(page.body, '<dt>Description</dt><dd>Main St 5</dd>');

  const edit = await c.get(`/onus/${id}/edit`);
  t.equal(edit.statusCode, 200);
  t.match(edit.body, 'value="c6:e9:aa:bb:cc:dd"');
  const badEdit = await c.post(`/onus/${id}`, { ...EMPTY_ONU, oltId: String(oltId), shelf: '1', slot: '2', port: '3', number: '4', sn: 'bad!' });
  t.equal(badEdit.statusCode, 400);
  t.match(badEdit.body, 'id="onu-sn-error">Enter a serial number like ZTEGC6E96AD7');
  const saved = await c.post(`/onus/${id}`, { ...EMPTY_ONU, oltId: String(oltId), shelf: '1', slot: '2', port: '3', number: '4', name: 'Flat 13', mac: 'c6:e9:aa:bb:cc:dd' });
  t.equal(saved.statusCode, 302, 'its own position and MAC do not clash');
  const after = await c.get(`/onus/${id}`);
  t.match(after.body, '<dt>Name</dt><dd>Flat 13</dd>');
  t.match(after.body, '<h1>c6:e9:aa:bb:cc:dd</h1>');

  const deleted = await c.post(`/onus/${id}/delete`);
  t.equal(deleted.statusCode, 302);
  t.equal(deleted.headers.location, '/onus');
  t.equal((await c.get(`/onus/${id}`)).statusCode, 404);
  t.equal((await c.post(`/onus/${id}/delete`)).statusCode, 404);

  const events = textOf((await c.get('/events')).body);
  t.match(events, `Added ONU #${id} c6:e9:aa:bb:cc:dd / ZTEGC6E96AD7`);
  t.match(events, `Updated ONU #${id} c6:e9:aa:bb:cc:dd`);
  t.match(events, `Deleted ONU #${id} c6:e9:aa:bb:cc:dd (OLT "OLT-A")`);
});

t.test('unknown or malformed ONU addresses answer 404', async (t) => {
  const { c } = await inventoryWithOlt(t);
  for (const url of ['/onus/1', '/onus/abc', '/onus/0', '/onus/1.5', '/onus/99999999999999999999', '/onus/1/edit']) {
    t.equal((await c.get(url)).statusCode, 404, url);
  }
  t.equal((await c.post('/onus/5', EMPTY_ONU)).statusCode, 404);
  const tooLong = await c.get(`/onus/${'9'.repeat(300)}`);
  t.equal(tooLong.statusCode, 400, 'a path part the router refuses: a plain 400, never a 500');
  t.equal(tooLong.body, 'This address is not valid.');
});

t.test('the ONU list: search by name, MAC (partial, any spelling) and serial, filter by OLT', async (t) => {
  const { c, oltId } = await inventoryWithOlt(t);
  const other = await addOlt(c, 'OLT-B');
  await addOnu(c, { oltId: String(oltId), number: '1', name: 'Flat 1', mac: 'c6:e9:6a:d7:00:01' });
  await addOnu(c, { oltId: String(oltId), number: '2', name: 'Shop 50%', sn: 'ZTEG12340AD7' });
  await addOnu(c, { oltId: String(other), number: '3', name: 'Office', mac: '00:11:22:33:44:55', sn: 'HWTC12345678' });

  const all = await c.get('/onus');
  t.equal(all.statusCode, 200);
  t.match(all.body, '<thead><tr><th>Name</th><th>MAC/SN</th><th>OLT</th><th>Position</th><th>Customer</th></tr></thead>');
  t.match(all.body, /<td>OLT-B<\/td><td>0\/1\/1:3<\/td>/);
  const names = (body: string) => [...body.matchAll(/<tr><td><a href="\/onus\/\d+">([^<]*)<\/a>/g)].map((m) => textOf(m[1]!));
  t.same(names(all.body), ['Flat 1', 'Shop 50%', 'Office']);

  const searches: [string, string[]][] = [
    ['c6:e9', ['Flat 1']],
    ['C6-E9-6A', ['Flat 1']],
    ['c6e9', ['Flat 1']],
    ['aD7', ['Shop 50%']],
    ['zteg-12340ad7', ['Shop 50%']],
    ['C6E96A', ['Flat 1']],
    ['5A54454712340AD7', ['Shop 50%']],
    ['office', ['Office']],
    ['50%', ['Shop 50%']],
    ['%', ['Shop 50%']],
    ['_', []],
    ['00:11:22:33:44:55', ['Office']],
    ['hwtc', ['Office']],
    ['nothing like it', []],
  ];
  for (const [search, expected] of searches) {
    const response = await c.get(`/onus?search=${encodeURIComponent(search)}`);
    t.same(names(response.body), expected, `search "${search}"`);
    if (!expected.length) t.match(response.body, 'No ONUs found.');
  }
  t.same(names((await c.get(`/onus?olt=${other}`)).body), ['Office']);
  t.same(names((await c.get(`/onus?olt=${oltId}&search=shop`)).body), ['Shop 50%']);
  t.same(names((await c.get(`/onus?olt=abc&after=-3&search=`)).body), ['Flat 1', 'Shop 50%', 'Office'], 'malformed filters are ignored');
  t.match((await c.get(`/onus?search=c6%3Ae9`)).body, 'value="c6:e9"', 'the search box keeps the search');
});

t.test('the ONU list pages with an `after` cursor and answers htmx with the table alone', async (t) => {
  const { app, c, oltId } = await inventoryWithOlt(t);
  const { createInventoryRepository } = await import('../../src/inventory/repository.js');
  const inventory = createInventoryRepository(app.db);
  inventory.insertOnus(Array.from({ length: 120 }, (_, i) => ({
    oltId, shelf: 0, slot: 0, port: 0, number: i, name: `ONU ${i + 1}`, mac: null, sn: `TEST${String(i + 1).padStart(8, '0')}`, description: '',
  })), new Date());
  const first = await c.get('/onus');
  t.equal((first.body.match(/<tr><td>/g) ?? []).length, 50);
  const next = /<a href="([^"]+)" rel="next">Next ›<\/a>/.exec(first.body);
  t.ok(next, 'a Next link');
  t.equal(textOf(next![1]!), '/onus?after=50');
  const second = await c.get(textOf(next![1]!));
  t.match(second.body, '>ONU 51<');
  t.match(second.body, '‹ First page');
  const third = await c.get('/onus?after=100');
  t.equal((third.body.match(/<tr><td>/g) ?? []).length, 20);
  t.notMatch(third.body, 'rel="next"');

  const filtered = await c.get(`/onus?search=TEST0000&olt=${oltId}`);
  t.match(textOf(filtered.body), `href="/onus?search=TEST0000&olt=${oltId}&after=50" rel="next"`, 'the cursor keeps the search');
  t.match(textOf(filtered.body), `href="/onus/export.csv?search=TEST0000&olt=${oltId}"`);

  const fragment = await c.get('/onus?search=ONU%2011', { 'hx-request': 'true' });
  t.equal(fragment.statusCode, 200);
  t.notMatch(fragment.body, '<html');
  t.match(fragment.body, '>ONU 11<');
  t.match(fragment.body, '>ONU 110<');
  t.notMatch(fragment.body, '>ONU 12<');
  t.equal(fragment.headers.vary, 'HX-Request');
  const restore = await c.get('/onus', { 'hx-request': 'true', 'hx-history-restore-request': 'true' });
  t.match(restore.body, '<html', 'a history restore gets the whole page');

  const page = await c.get('/onus');
  t.match(page.body, 'hx-get="/onus" hx-trigger="input changed delay:300ms, search" hx-target="#onu-table"');
});

t.test('other features add a customer column and blocks on the ONU page', async (t) => {
  const { app, c, oltId } = await inventoryWithOlt(t);
  const id = await addOnu(c, { oltId: String(oltId), mac: '02:00:00:00:00:01' });
  app.inventoryExtensions.customerNames = (ids) => new Map(ids.map((i) => [i, `Customer of ${i}`]));
  app.inventoryExtensions.onuPageBlocks.push(async (onu) => ({ template: '/partials/flash', data: { flash: { type: 'success', message: `Extra block for ${onu.oltName}` } } }));
  app.inventoryExtensions.onuPageBlocks.push(async () => null);
  t.match((await c.get('/onus')).body, `<td>Customer of ${id}</td>`);
  const page = await c.get(`/onus/${id}`);
  t.match(page.body, /<h2>Information<\/h2>[\s\S]*Extra block for OLT-A/);
});

t.test('operators use the ONU pages', async (t) => {
  const app = await buildTestApp(t);
  const admin = await new TestClient(app).signIn();
  const oltId = await addOlt(admin, 'OLT-A');
  const operator = await clientWithRole(app, 'operator');
  const id = await addOnu(operator, { oltId: String(oltId), mac: '02:00:00:00:00:09' });
  for (const url of ['/onus', '/onus/new', `/onus/${id}`, `/onus/${id}/edit`, '/onus/import']) t.equal((await operator.get(url)).statusCode, 200, url);
  t.equal((await operator.post(`/onus/${id}/delete`)).statusCode, 302);
  t.equal((await new TestClient(app).get('/onus')).statusCode, 302, 'anonymous visitors sign in first');
});

t.test('the htmx delete answers with a client redirect', async (t) => {
  const { c, oltId } = await inventoryWithOlt(t);
  const id = await addOnu(c, { oltId: String(oltId), mac: '02:00:00:00:00:02' });
  const response = await c.post(`/onus/${id}/delete`, {}, { 'hx-request': 'true' });
  t.equal(response.statusCode, 204);
  t.equal(response.headers['hx-redirect'], '/onus');
  const bad = await c.post('/onus', { ...EMPTY_ONU, oltId: String(oltId) }, { 'hx-request': 'true' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /^<form method="post" action="\/onus"/);
});
