import t from 'tap';
import { SPARSE_MATCHES } from '../../src/lib/fts.js';
import { callApi, generateKey, setExternalApi } from '../helpers/api-keys.js';
import { configureUserSide, userSideSetup } from '../helpers/userside.js';

interface OnuJson {
  id: number;
  name: string;
  mac: string | null;
  sn: string | null;
  customer: { userName: string; login: string } | null;
}

const ONUS = 2600;

// Terms with few matches go through the trigram indexes, terms with many through
// the walk in id order: both must find exactly what a plain substring filter finds.
t.test('search finds the same ONUs whether it looks them up in the index or walks the table', async (t) => {
  const { app, fake, admin } = await userSideSetup(t, { onus: ONUS, fake: { customers: ONUS } });
  await configureUserSide(admin, fake, { fields: ['userName', 'login'] });
  const run = await app.userSide.runOnce('manual');
  t.match(run, { ok: true, run: { status: 'succeeded', onusLinked: ONUS } });
  await setExternalApi(admin, true);
  const key = await generateKey(admin, { indefinite: true });

  async function search(term: string): Promise<OnuJson[]> {
    const found: OnuJson[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/onus?limit=500&search=${encodeURIComponent(term)}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await callApi(app, key, 'GET', url)).json() as { items: OnuJson[]; nextCursor: string | null };
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  const all = await search('');
  t.equal(all.length, ONUS);
  const contains = (value: string | null | undefined, part: string) => !!value && value.toLowerCase().includes(part.toLowerCase());
  const expected = (term: string) => all.filter((onu) => contains(onu.name, term) || contains(onu.sn, term.replace(/[\s-]/g, ''))
    || contains(onu.mac, term) || contains(onu.customer?.userName, term) || contains(onu.customer?.login, term)).map((onu) => onu.id);

  const terms = [
    ['Subscriber', 'dense: every ONU'],
    ['Subscriber 1', 'sparse: 1, 10-19, 100-199, 1000-1999'],
    ['scriber 25', 'sparse'],
    ['Customer', 'dense through the customers only'],
    ['Customer 2', 'sparse, customers only'],
    ['user24', 'sparse, customers only'],
    ['ZTEG00000A', 'serial numbers'],
    ['ztegc', 'nothing'],
    ['02:00:00:00:0a', 'a partial MAC'],
    ['Su', 'too short for a trigram'],
    ['no such thing', 'nothing'],
  ];
  for (const [term, why] of terms) {
    const ids = (await search(term!)).map((onu) => onu.id);
    t.same(ids, expected(term!), `${term} (${why}): ${ids.length} found`);
  }
  t.ok(expected('Subscriber').length >= SPARSE_MATCHES && expected('Subscriber 1').length < SPARSE_MATCHES, 'both ways are taken');

  // The indexes follow every change: a rename, a deletion, a customer unlinked by the next run.
  const writer = await generateKey(admin, { access: 'write', indefinite: true });
  t.equal((await callApi(app, writer, 'PATCH', '/api/v1/onus/25', { name: 'Renamed flat' })).statusCode, 200);
  // Other scripts fold case too, whichever way the search goes (a short term always walks the table).
  for (const id of [30, 31]) t.equal((await callApi(app, writer, 'PATCH', `/api/v1/onus/${id}`, { name: `Иванов Пётр ${id}` })).statusCode, 200);
  for (const term of ['иванов', 'ИВАНОВ пётр', 'Ив', 'пЁ']) t.same((await search(term)).map((onu) => onu.id), [30, 31], term);
  t.same((await search('a\u0000bc')).map((onu) => onu.id), [], 'a NUL in the term is no error');
  t.equal((await callApi(app, writer, 'DELETE', '/api/v1/onus/250')).statusCode, 204);
  t.same((await search('Renamed flat')).map((onu) => onu.id), [25]);
  t.notOk((await search('Subscriber 25')).some((onu) => onu.id === 25 || onu.id === 250));
  fake.setOptions({ customers: ONUS - 1 });
  await app.userSide.runOnce('manual');
  t.same((await search(`user${ONUS}`)).map((onu) => onu.id), [], 'the unlinked customer is no longer found');
  t.same((await search(`user${ONUS - 1}`)).map((onu) => onu.id), [ONUS - 1]);
});
