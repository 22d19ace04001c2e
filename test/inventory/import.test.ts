import t from 'tap';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { addOlt, addOnu, textOf, uploadCsv } from '../helpers/inventory.js';

async function inventoryWithOlts(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const a = await addOlt(c, 'OLT-A');
  const b = await addOlt(c, 'OLT B', 'BDCOM P3310C');
  await c.get('/onus/import');
  return { app, c, a, b };
}

const onuCount = async (c: TestClient) => {
  const olts = await c.get('/olts');
  return [...olts.body.matchAll(/<a href="\/onus\?olt=\d+">(\d+)<\/a>/g)].reduce((sum, m) => sum + Number(m[1]), 0);
};

function problemsOf(body: string): string[] {
  return [...body.matchAll(/<tr><td>(Line \d+)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => `${m[1]}: ${textOf(m[2]!)}`);
}

t.test('the import page explains the format and links the template', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const page = await c.get('/onus/import');
  t.equal(page.statusCode, 200);
  t.match(page.body, '<h1>Import ONUs</h1>');
  t.match(page.body, 'olt,shelf,slot,port,number,name,mac,sn,description');
  t.match(page.body, /action="\/onus\/import\?_csrf=[^"]+" enctype="multipart\/form-data"/);
  t.match(page.body, 'href="/onus/import/template.csv"');

  const template = await c.get('/onus/import/template.csv');
  t.equal(template.statusCode, 200);
  t.equal(template.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(template.headers['content-disposition'], 'attachment; filename="onus-template.csv"');
  t.equal(template.body, '\uFEFFolt,shelf,slot,port,number,name,mac,sn,description\r\nOLT B,1,2,3,17,Flat 12,aa:bb:cc:dd:ee:ff,ZTEGC6E96AD7,Main St 5\r\n');
});

t.test('a good file is imported whole: BOM, `;`, any column order, quoted fields, CRLF', async (t) => {
  const { c, a } = await inventoryWithOlts(t);
  const csv = '\uFEFFsn;MAC;olt;shelf;slot;port;number;name;description\r\n'
    + 'ztegc6e96ad7;;OLT-A;0;1;2;3;"Flat; 12";"said ""hi""\r\nsecond line"\r\n'
    + '\r\n'
    + ';AA-BB-CC-DD-EE-FF;olt b;0;1;2;3;Shop;\r\n'
    + '5A54454700000001;aabb.ccdd.ee00;OLT-A;0;1;2;4;;\r\n';
  const response = await uploadCsv(c, csv, { fileName: 'batch-1.csv' });
  t.equal(response.statusCode, 302, response.body);
  t.equal(response.headers.location, '/onus');
  const list = await c.get('/onus');
  t.match(textOf(list.body), 'Imported 3 ONUs from "batch-1.csv".');
  t.match(list.body, '<code>ZTEGC6E96AD7</code>');
  t.match(list.body, '<code>aa:bb:cc:dd:ee:ff</code>');
  t.match(list.body, '<code>aa:bb:cc:dd:ee:00 / ZTEG00000001</code>');
  t.match(list.body, /<td>OLT B<\/td><td>0\/1\/2:3<\/td>/);
  const id = /<a href="\/onus\/(\d+)">Flat; 12<\/a>/.exec(list.body)![1];
  const page = await c.get(`/onus/${id}`);
  t.match(textOf(page.body), '<dt>Description</dt><dd>said "hi"\r\nsecond line</dd>');
  t.match(page.body, `href="/onus?olt=${a}">OLT-A</a>`);
  const events = textOf((await c.get('/events?kind=onu.imported')).body);
  t.match(events, /admin<\/td><td>Imported 3 ONUs from "batch-1.csv" \(3 lines\)/);
});

t.test('one bad line in 1,000: nothing is written and the line is named', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const line = (i: number, mac = `02:00:00:00:${hex(i >> 8)}:${hex(i & 255)}`) => `OLT-A,0,${i >> 8},${(i >> 4) & 15},${i & 15},ONU ${i},${mac},,`;
  const lines = ['olt,shelf,slot,port,number,name,mac,sn,description'];
  for (let i = 1; i <= 1000; i++) lines.push(line(i, i === 637 ? '02:00:00:00:zz:00' : undefined));
  const response = await uploadCsv(c, lines.join('\n') + '\n');
  t.equal(response.statusCode, 422);
  t.match(response.body, 'Nothing was imported: 1 line is not right. Fix it and upload the file again.');
  t.same(problemsOf(response.body), ['Line 638: bad MAC "02:00:00:00:zz:00"']);
  t.equal(await onuCount(c), 0, 'nothing written');
  const events = textOf((await c.get('/events?kind=onu.import.refused')).body);
  t.match(events, 'Refused the import of "onus.csv": 1 bad line of 1000');

  lines[637] = line(637);
  const fixed = await uploadCsv(c, lines.join('\n') + '\n');
  t.equal(fixed.statusCode, 302, 'the fixed file goes in');
  t.equal(await onuCount(c), 1000);
});

t.test('every reason a line is refused, each with its line number', async (t) => {
  const { c, a } = await inventoryWithOlts(t);
  const existing = await addOnu(c, { oltId: String(a), shelf: '9', slot: '9', port: '9', number: '9', mac: '0a:00:00:00:00:01', sn: 'EXST00000001' });
  const csv = [
    'olt,shelf,slot,port,number,name,mac,sn,description', // 1
    'OLT-A,0,0,0,1,good,02:00:00:00:00:01,,', // 2
    'OLT-X,0,0,0,2,,02:00:00:00:00:02,,', // 3
    ',0,0,0,3,,02:00:00:00:00:03,,', // 4
    'OLT-A,0,0,0,4,,not-a-mac,,', // 5
    'OLT-A,0,0,0,5,,,bad sn!,', // 6
    'OLT-A,0,0,0,6,,,,', // 7
    'OLT-A,x,0,0,7,,02:00:00:00:00:07,,', // 8
    'OLT-A,0,,0,8,,02:00:00:00:00:08,,', // 9
    'OLT-A,0,0,0,70000,,02:00:00:00:00:09,,', // 10
    'OLT-A,0,0,0,1,,02:00:00:00:00:10,,', // 11: position of line 2
    'OLT-A,0,0,0,11,,02-00-00-00-00-01,,', // 12: MAC of line 2
    'OLT-A,0,0,0,12,,,ZTEG00000012,', // 13
    'OLT-A,0,0,0,13,,,zteg-00000012,', // 14: SN of line 13
    'OLT-A,9,9,9,9,,02:00:00:00:00:14,,', // 15: existing position
    'OLT-A,0,0,0,15,,0A00.0000.0001,,', // 16: existing MAC
    'OLT-A,0,0,0,16,,,exst00000001,', // 17: existing SN
    'OLT-A,0,0,0,17,,02:00:00:00:00:17', // 18: too few fields
    `OLT-A,0,0,0,18,${'n'.repeat(101)},02:00:00:00:00:18,,`, // 19
    `OLT-A,0,0,0,19,,02:00:00:00:00:19,,${'d'.repeat(501)}`, // 20
    'olt b,0,0,0,1,,02:00:00:00:00:21,,', // 21: same position, other OLT: fine
  ].join('\n');
  const response = await uploadCsv(c, csv);
  t.equal(response.statusCode, 422);
  t.match(response.body, 'Nothing was imported: 17 lines are not right. Fix them and upload the file again.');
  t.same(problemsOf(response.body), [
    'Line 3: unknown OLT "OLT-X"',
    'Line 4: no OLT',
    'Line 5: bad MAC "not-a-mac"',
    'Line 6: bad serial number "bad sn!"',
    'Line 7: no MAC and no serial number; give at least one',
    'Line 8: shelf "x": enter a whole number from 0 to 255',
    'Line 9: slot is empty: enter a whole number from 0 to 255',
    'Line 10: number "70000": enter a whole number from 0 to 65535',
    'Line 11: duplicate position 0/0/0:1 on OLT "OLT-A" (also on line 2)',
    'Line 12: duplicate MAC 02:00:00:00:00:01 (also on line 2)',
    'Line 14: duplicate serial number ZTEG00000012 (also on line 13)',
    `Line 15: position 9/9/9:9 on OLT "OLT-A" is taken by ONU #${existing}`,
    `Line 16: MAC 0a:00:00:00:00:01 belongs to ONU #${existing}`,
    `Line 17: serial number EXST00000001 belongs to ONU #${existing}`,
    'Line 18: has 7 fields, the header has 9',
    'Line 19: name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…": use at most 100 characters',
    'Line 20: description "dddddddddddddddddddddddddddddddddddddddd…": use at most 500 characters',
  ]);
  t.equal(await onuCount(c), 1, 'only the ONU that was there');
});

t.test('a file whose header or structure is wrong is refused with the reason', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const cases: [string | Buffer, string][] = [
    ['', 'Line 1: the file is empty; its first line must be the header: olt,shelf,slot,port,number,name,mac,sn,description'],
    ['olt,shelf,slot,port,number,mac\n', 'Line 2: the file has a header but no ONUs'],
    ['olt,shelf,slot,port,nr,mac,colour\nOLT-A,0,0,0,1,02:00:00:00:00:01,red\n',
      'Line 1: the header is not right: unknown column "nr"; unknown column "colour"; no "number" column (the columns are olt,shelf,slot,port,number,name,mac,sn,description, in any order)'],
    ['olt,shelf,slot,port,number,name\n', 'Line 1: the header is not right: no "mac" and no "sn" column; at least one is needed (the columns are olt,shelf,slot,port,number,name,mac,sn,description, in any order)'],
    ['olt,shelf,slot,port,number,mac,mac,\n', 'Line 1: the header is not right: column "mac" appears twice; a column has no name (the columns are olt,shelf,slot,port,number,name,mac,sn,description, in any order)'],
    ['olt,shelf,slot,port,number,mac\nOLT-A,0,0,0,1,"02:00:00:00:00:01\n', 'Line 2: the file cannot be read: a quoted field is never closed; the file ends inside it'],
    ['olt,shelf,slot,port,number,mac\nOLT-A,0,0,0,1,"02"x\n', 'Line 2: the file cannot be read: a closing quote must be followed by a delimiter or the end of the line'],
    [Buffer.concat([Buffer.from('olt,shelf,slot,port,number,name,mac\nOLT-A,0,0,0,1,'), Buffer.from([0xcf, 0xf0, 0xe8]), Buffer.from(',02:00:00:00:00:01\n')]),
      'Line 2: the file cannot be read: the file is not UTF-8 text; save it as "CSV UTF-8"'],
  ];
  for (const [csv, problem] of cases) {
    const response = await uploadCsv(c, csv);
    t.equal(response.statusCode, 422, problem);
    t.same(problemsOf(response.body), [problem]);
  }
  t.equal(await onuCount(c), 0);
});

t.test('past 1,000 bad lines the rest are counted, not listed', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const lines = ['olt,shelf,slot,port,number,mac'];
  for (let i = 0; i < 1200; i++) lines.push(`OLT-Z,0,0,${i >> 8},${i & 255},`);
  const response = await uploadCsv(c, lines.join('\n'));
  t.equal(response.statusCode, 422);
  t.match(response.body, 'Nothing was imported: 1200 lines are not right.');
  t.equal(problemsOf(response.body).length, 1000);
  t.match(response.body, '…and 200 more bad lines, not listed here.');
});

t.test('the upload needs a file, the CSRF token, and a size under the limit', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const noFile = await uploadCsv(c, '', { fileName: '' });
  t.equal(noFile.statusCode, 400);
  t.match(noFile.body, 'Choose a CSV file to upload.');
  const urlencoded = await c.post('/onus/import', {});
  t.equal(urlencoded.statusCode, 400);
  t.match(urlencoded.body, 'Choose a CSV file to upload.');

  const csv = 'olt,shelf,slot,port,number,mac\nOLT-A,0,0,0,1,02:00:00:00:00:01\n';
  const forged = await uploadCsv(c, csv, { csrf: 'none' });
  t.equal(forged.statusCode, 403);
  t.equal(await onuCount(c), 0);
  const viaHeader = await uploadCsv(c, csv, { csrf: 'header' });
  t.equal(viaHeader.statusCode, 302, 'the htmx way: the token in x-csrf-token');

  const huge = Buffer.alloc(51 * 1024 * 1024, 'x');
  huge.write('olt,shelf,slot,port,number,mac,description\nOLT-A,0,0,0,2,02:00:00:00:00:02,');
  const tooLarge = await uploadCsv(c, huge, { fileName: 'huge.csv' });
  t.equal(tooLarge.statusCode, 413);
  t.match(tooLarge.body, 'The file is larger than 50 MB; split it into smaller files.');
  t.equal(await onuCount(c), 1);
});

t.test('with htmx the result replaces the result area, or the client is redirected', async (t) => {
  const { c } = await inventoryWithOlts(t);
  const bad = await uploadCsv(c, 'olt,shelf,slot,port,number,mac\nOLT-Q,0,0,0,1,02:00:00:00:00:01\n', { csrf: 'header', headers: { 'hx-request': 'true' } });
  t.equal(bad.statusCode, 422);
  t.notMatch(bad.body, '<html');
  t.same(problemsOf(bad.body), ['Line 2: unknown OLT "OLT-Q"']);
  const good = await uploadCsv(c, 'olt,shelf,slot,port,number,mac\nOLT-A,0,0,0,1,02:00:00:00:00:01\n', { csrf: 'header', headers: { 'hx-request': 'true' } });
  t.equal(good.statusCode, 204);
  t.equal(good.headers['hx-redirect'], '/onus');
});

t.test('the export is the current list in the import format, and imports back', async (t) => {
  const { app, c, a, b } = await inventoryWithOlts(t);
  await addOnu(c, { oltId: String(a), number: '1', name: 'Flat "1", left', mac: '02:00:00:00:00:01', description: '=SUM(A1)' });
  await addOnu(c, { oltId: String(b), number: '2', name: 'Shop', sn: 'ZTEG00000002' });
  const all = await c.get('/onus/export.csv');
  t.equal(all.statusCode, 200);
  t.equal(all.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(all.headers['content-disposition'], 'attachment; filename="onus.csv"');
  t.equal(all.body, '\uFEFFolt,shelf,slot,port,number,name,mac,sn,description\r\n'
    + 'OLT-A,0,1,1,1,"Flat ""1"", left",02:00:00:00:00:01,,\'=SUM(A1)\r\n'
    + 'OLT B,0,1,1,2,Shop,,ZTEG00000002,\r\n');
  const filtered = await c.get(`/onus/export.csv?olt=${b}`);
  t.equal(filtered.body.split('\r\n').length, 3, 'the header, one ONU, the final line break');
  t.match((await c.get('/onus/export.csv?search=flat')).body, 'Flat');
  t.notMatch((await c.get('/onus/export.csv?search=flat')).body, 'Shop');

  const { createInventoryRepository } = await import('../../src/inventory/repository.js');
  const inventory = createInventoryRepository(app.db);
  for (const onu of inventory.listOnus({ limit: 10 })) inventory.deleteOnu(onu.id);
  const again = await uploadCsv(c, all.rawPayload, { fileName: 'onus.csv' });
  t.equal(again.statusCode, 302, again.body);
  const exportedAgain = await c.get('/onus/export.csv');
  t.equal(exportedAgain.body, all.body, 'the same list, formula guard included');
});

t.test('a multipart body without a boundary or cut short is a 400, not a 500', async (t) => {
  const { app, c } = await inventoryWithOlts(t);
  const url = `/onus/import?_csrf=${encodeURIComponent(c.csrfToken)}`;
  const noBoundary = await c.request({ method: 'POST', url, payload: 'olt,shelf\n', headers: { 'content-type': 'multipart/form-data' } });
  t.equal(noBoundary.statusCode, 400);
  t.match(textOf(noBoundary.body), 'Choose a CSV file to upload.');
  const boundary = 'cut-short';
  const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="onus.csv"\r\nContent-Type: text/csv\r\n\r\nolt,shelf,slot,port,number,name,mac\r\nOLT-A,0,1,1,1,a,aa:bb:cc:dd:ee:01\r\n`;
  const cut = await c.request({ method: 'POST', url, payload: truncated, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  t.equal(cut.statusCode, 400);
  t.match(textOf(cut.body), 'The upload was cut short: nothing was imported.');
  t.equal(app.db.$client.prepare('select count(*) as n from onus').pluck().get(), 0);
});

t.test('an ONU added while the file is still being checked: nothing is imported, 409', async (t) => {
  const { PassThrough } = await import('node:stream');
  const { app, c, a } = await inventoryWithOlts(t);
  const boundary = 'slow-upload';
  const upload = new PassThrough();
  const answer = c.request({
    method: 'POST',
    url: `/onus/import?_csrf=${encodeURIComponent(c.csrfToken)}`,
    payload: upload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  upload.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="onus.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  // More lines than a check batch: the first ones are checked (their MACs free) before the rest arrives...
  const lines = Array.from({ length: 600 }, (_, i) => `OLT-A,0,1,${1 + Math.floor(i / 100)},${1 + (i % 100)},line ${i},aa:bb:cc:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`);
  upload.write(`olt,shelf,slot,port,number,name,mac\r\n${lines.join('\r\n')}\r\n`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const count = () => app.db.$client.prepare('select count(*) from onus').pluck().get();
  // ...and meanwhile someone adds an ONU with that MAC.
  await c.get('/onus/new');
  await addOnu(c, { oltId: String(a), shelf: '5', mac: 'aa:bb:cc:00:00:00' });
  upload.end(`OLT-A,0,9,1,1,last,aa:bb:cc:00:ff:ff\r\n\r\n--${boundary}--\r\n`);
  const refused = await answer;
  t.equal(refused.statusCode, 409);
  t.match(textOf(refused.body), 'Nothing was imported: the inventory changed while the file was being checked.');
  t.equal(count(), 1, 'only the ONU added by hand');
});
