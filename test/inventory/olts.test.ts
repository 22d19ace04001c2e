import t from 'tap';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';
import { addOlt, addOnu, textOf } from '../helpers/inventory.js';

t.test('the OLT list shows each OLT with its ONU count', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const empty = await c.get('/olts');
  t.equal(empty.statusCode, 200);
  t.match(empty.body, 'No OLTs yet');
  const a = await addOlt(c, 'OLT-A', 'ZTE C320');
  await addOlt(c, 'OLT-B', 'Huawei MA5608T');
  await addOnu(c, { oltId: String(a), mac: 'aa:bb:cc:00:00:01' });
  await addOnu(c, { oltId: String(a), number: '2', sn: 'ZTEG00000002' });
  const list = await c.get('/olts');
  t.match(list.body, /<td>OLT-A<\/td>\s*<td>ZTE C320<\/td>\s*<td>10.0.0.1<\/td>\s*<td><\/td>\s*<td><a href="\/onus\?olt=\d+">2<\/a><\/td>/);
  t.match(list.body, /<td>OLT-B<\/td>\s*<td>Huawei MA5608T<\/td>[\s\S]*?>0<\/a><\/td>/);
  t.ok(list.body.indexOf('OLT-A') < list.body.indexOf('OLT-B'), 'sorted by name');
});

t.test('adding an OLT: every validation message, typed values kept', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const cases: [Record<string, string>, string, string][] = [
    [{ name: '', model: 'ZTE C320' }, 'olt-name', 'Enter a name'],
    [{ name: 'x'.repeat(101), model: 'ZTE C320' }, 'olt-name', 'Use at most 100 characters'],
    [{ name: 'OLT-1', model: 'ZTE C999' }, 'olt-model', 'Choose one of the supported models (ZTE C220, ZTE C300'],
    [{ name: 'OLT-1', model: 'ZTE C320', host: 'bad host!' }, 'olt-host', 'Enter a host name or an IP address'],
    [{ name: 'OLT-1', model: 'ZTE C320', description: 'd'.repeat(501) }, 'olt-description', 'Use at most 500 characters'],
  ];
  for (const [form, field, message] of cases) {
    const response = await c.post('/olts', { host: '', description: '', ...form });
    t.equal(response.statusCode, 400, message);
    t.match(textOf(response.body), `id="${field}-error">${message}`, message);
  }
  const typed = await c.post('/olts', { name: 'Kept name', model: 'BDCOM P3310C', host: 'bad host!', description: 'Kept description' });
  t.match(typed.body, 'value="Kept name"');
  t.match(typed.body, '<option selected>BDCOM P3310C</option>');
  t.match(typed.body, 'value="bad host!"');
  t.match(typed.body, 'value="Kept description"');

  await addOlt(c, 'OLT-1');
  const duplicate = await c.post('/olts', { name: 'olt-1', model: 'ZTE C320', host: '', description: '' });
  t.equal(duplicate.statusCode, 400);
  t.match(duplicate.body, 'id="olt-name-error">An OLT with this name already exists');
});

t.test('an htmx form post gets the form alone back, or a client redirect', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  await c.get('/olts');
  const bad = await c.post('/olts', { name: '', model: '', host: '', description: '' }, { 'hx-request': 'true' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /^<form method="post" action="\/olts"/);
  t.notMatch(bad.body, '<html');
  const good = await c.post('/olts', { name: 'OLT-H', model: 'ZTE C620', host: '', description: '' }, { 'hx-request': 'true' });
  t.equal(good.statusCode, 204);
  t.equal(good.headers['hx-redirect'], '/olts');
  t.match((await c.get('/olts')).body, 'OLT &quot;OLT-H&quot; added.');
});

t.test('editing an OLT', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const id = await addOlt(c, 'OLT-E');
  await addOlt(c, 'OLT-Other');
  const form = await c.get(`/olts/${id}/edit`);
  t.equal(form.statusCode, 200);
  t.match(form.body, 'Edit OLT OLT-E');
  t.match(form.body, 'value="OLT-E"');
  t.match(form.body, '<option selected>ZTE C320</option>');

  const clash = await c.post(`/olts/${id}`, { name: 'OLT-Other', model: 'ZTE C320', host: '', description: '' });
  t.equal(clash.statusCode, 400);
  t.match(clash.body, 'An OLT with this name already exists');
  const badModel = await c.post(`/olts/${id}`, { name: 'OLT-E', model: '', host: '', description: '' });
  t.match(badModel.body, 'id="olt-model-error">Choose one of the supported models');

  const same = await c.post(`/olts/${id}`, { name: 'OLT-E', model: 'ZTE C320', host: '10.0.0.9', description: 'kept name' });
  t.equal(same.statusCode, 302, 'keeping its own name is fine');
  const renamed = await c.post(`/olts/${id}`, { name: 'OLT-Renamed', model: 'BDCOM P3608B', host: 'olt.example.net', description: 'Rack 2' });
  t.equal(renamed.statusCode, 302);
  const list = await c.get('/olts');
  t.match(list.body, /<td>OLT-Renamed<\/td>\s*<td>BDCOM P3608B<\/td>\s*<td>olt.example.net<\/td>\s*<td>Rack 2<\/td>/);
  const events = await c.get('/events?kind=olt.updated');
  t.match(textOf(events.body), 'Updated OLT "OLT-Renamed" (was "OLT-E")');

  t.equal((await c.get('/olts/999/edit')).statusCode, 404);
  t.equal((await c.get('/olts/abc/edit')).statusCode, 404);
  t.equal((await c.post('/olts/999', { name: 'x', model: 'ZTE C320' })).statusCode, 404);
});

t.test('deleting an OLT is refused while it has ONUs', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const id = await addOlt(c, 'OLT-D');
  const onu = await addOnu(c, { oltId: String(id), mac: '00:11:22:33:44:55' });
  const refused = await c.post(`/olts/${id}/delete`);
  t.equal(refused.statusCode, 302);
  t.match(textOf((await c.get('/olts')).body), 'OLT "OLT-D" still has 1 ONU; delete or move them first.');
  t.match((await c.get('/olts')).body, '<td>OLT-D</td>');

  await c.post(`/onus/${onu}/delete`);
  const deleted = await c.post(`/olts/${id}/delete`);
  t.equal(deleted.statusCode, 302);
  const list = await c.get('/olts');
  t.match(textOf(list.body), 'OLT "OLT-D" deleted.');
  t.notMatch(list.body, '<td>OLT-D</td>');
  const events = textOf((await c.get('/events')).body);
  t.match(events, 'Added OLT "OLT-D" (ZTE C320)');
  t.match(events, 'Deleted OLT "OLT-D"');
  t.equal((await c.post(`/olts/${id}/delete`)).statusCode, 404);
});

t.test('operators use the OLT pages; anonymous visitors are sent to sign in', async (t) => {
  const app = await buildTestApp(t);
  const operator = await clientWithRole(app, 'operator');
  t.equal((await operator.get('/olts')).statusCode, 200);
  await addOlt(operator, 'OLT-Op');
  const events = textOf((await operator.get('/events?kind=olt.created')).body);
  t.match(events, /operator1<\/td><td>Added OLT "OLT-Op"/);
  const anonymous = await new TestClient(app).get('/olts');
  t.equal(anonymous.statusCode, 302);
  t.equal(anonymous.headers.location, '/login?next=%2Folts');
});

t.test('a form post without the CSRF token is refused', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const response = await c.post('/olts', { _csrf: 'forged', name: 'OLT-X', model: 'ZTE C320' });
  t.equal(response.statusCode, 403);
  t.notMatch((await c.get('/olts')).body, 'OLT-X');
});
