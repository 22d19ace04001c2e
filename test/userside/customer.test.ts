import t from 'tap';
import { isoDate, linkKeys, parseCustomer, type CustomerSnapshot } from '../../src/userside/customer.js';
import { FAKE_GROUPS, FAKE_SN_FIELD_ID, FAKE_TARIFFS, fakeCustomer, fakeMacFor, fakeSnFor } from '../fakes/userside.js';

const names = { tariffs: FAKE_TARIFFS, groups: FAKE_GROUPS };

const snapshotOf6: CustomerSnapshot = {
  id: 6,
  userName: 'Customer 6',
  fullName: 'Customer 6',
  login: 'user6',
  contacts: ['+16660000006', '+15550000006', 'user6@example.net'],
  contractId: 'A-6',
  userId: 6,
  address: 'Main St 7, apt 6, entrance 3, floor 7',
  status: 'stopped',
  balance: 2.06,
  credit: 0,
  tariff: 'Home 100',
  networkActivity: '2026-11-30T14:05:00.000Z',
  internetActivity: null,
  connectionDate: '2020-01-02T12:30:00.000Z',
  comment: '',
  incomingTraffic: 6 * 1024 * 1024,
  outgoingTraffic: 6 * 1024,
  group: 'Residential',
  billingId: 'uuid-6',
  creationDate: '2020-01-01T10:00:00.000Z',
  positiveBalanceDate: '2026-11-01T00:00:00.000Z',
};

for (const containers of ['object', 'array'] as const) {
  t.test(`a whole customer, ${containers} containers`, async (t) => {
    t.same(parseCustomer(fakeCustomer(6, containers), names), snapshotOf6);
    t.same(linkKeys(fakeCustomer(6, containers), FAKE_SN_FIELD_ID), {
      macs: [fakeMacFor(6), '06' + fakeMacFor(6).slice(2)],
      sns: [fakeSnFor(6)],
    });
    t.same(linkKeys(fakeCustomer(7, containers), FAKE_SN_FIELD_ID).sns, [fakeSnFor(7)], 'the 16-hex spelling folds');
  });
}

t.test('not a customer', async (t) => {
  for (const raw of [null, 'x', 42, [], {}, { id: 0 }, { id: '' }, { id: 'abc' }, { id: -3 }, { login: 'x' }]) {
    t.equal(parseCustomer(raw, names), null, JSON.stringify(raw));
  }
  t.same(linkKeys(null, 7), { macs: [], sns: [] });
});

// Each row: the raw fields that differ from a minimal customer, and what the snapshot then holds.
const minimal = { id: '15' };
const fieldCases: [name: string, raw: Record<string, unknown>, expected: Partial<CustomerSnapshot>][] = [
  ['id as a string', {}, { id: 15, userId: 15 }],
  [
    'empty customer',
    {},
    {
      userName: '', fullName: '', login: '', contacts: [], contractId: '', address: '', status: '', balance: 0, credit: 0,
      tariff: '', networkActivity: null, comment: '', incomingTraffic: 0, outgoingTraffic: 0, group: '', billingId: '',
    },
  ],
  ['user name falls back to login', { login: 'jdoe', full_name: '' }, { userName: 'jdoe', fullName: '', login: 'jdoe' }],
  ['user name prefers full name', { login: 'jdoe', full_name: ' John Doe ' }, { userName: 'John Doe', fullName: 'John Doe' }],
  ['state 0', { state_id: 0 }, { status: 'stopped' }],
  ['state 1', { state_id: '1' }, { status: 'paused' }],
  ['state 2', { state_id: 2 }, { status: 'active' }],
  ['other states keep the number', { state_id: 7 }, { status: '7' }],
  ['balance as a string', { balance: '-15.5', credit: '100' }, { balance: -15.5, credit: 100 }],
  ['balance with a decimal comma', { balance: '12,75' }, { balance: 12.75 }],
  ['balance garbage', { balance: 'n/a' }, { balance: 0 }],
  [
    'contacts: main first, emails after phones, duplicates once',
    {
      phone: { '1': { number: '111', flag_main: '0' }, '2': { number: '222', flag_main: '1' }, '3': { number: '', flag_main: 1 } },
      email: [{ address: 'a@x.net', flag_main: true }, { address: 'b@x.net' }, { address: '111' }],
    },
    { contacts: ['222', 'a@x.net', '111', 'b@x.net'] },
  ],
  ['contacts as plain strings', { phone: ['555-01'], email: 'c@x.net' }, { contacts: ['555-01', 'c@x.net'] }],
  ['several agreements', { agreement: [{ number: 'K-1' }, { number: 'K-2' }, { number: '' }], account_number: '99' }, { contractId: 'K-1, K-2' }],
  ['no agreement: account number', { agreement: [], account_number: 4411 }, { contractId: '4411' }],
  ['agreement keyed by id', { agreement: { '3': { number: 'Z-9', date: '2020-01-01' } } }, { contractId: 'Z-9' }],
  [
    'address with apartment, entrance and floor',
    { address: [{ type: 'connect', apartment: { full_name: 'Oak Rd 5, apt 3', number: '3' }, entrance: '2', floor: 4 }] },
    { address: 'Oak Rd 5, apt 3, entrance 2, floor 4' },
  ],
  [
    'address without apartment name, zero entrance and floor left out',
    { address: { '0': { apartment: { number: '12' }, entrance: 0, floor: '0' } } },
    { address: 'apt. 12' },
  ],
  [
    'several addresses, duplicates once',
    { address: [{ apartment: { full_name: 'A 1' } }, { apartment: { full_name: 'B 2' }, floor: 3 }, { apartment: { full_name: 'A 1' } }] },
    { address: 'A 1; B 2, floor 3' },
  ],
  ['address as text', { address: ' Elm St 4 ' }, { address: 'Elm St 4' }],
  [
    'tariffs keyed by position, names resolved, unknown ids shown by number',
    { tariff: { current: { '0': { id: 2 }, '1': { id: '3' }, '2': { id: 44 } }, new: { '0': { id: 1 } } } },
    { tariff: 'Home 500, Business 1G, #44' },
  ],
  ['tariffs as an array', { tariff: { current: [{ id: 1, date_finish: '' }], new: [] } }, { tariff: 'Home 100' }],
  ['a lone current tariff', { tariff: { current: { id: 3, date_finish: '2027-01-01 00:00:00' } } }, { tariff: 'Business 1G' }],
  ['tariffs without current/new', { tariff: [{ id: 2 }] }, { tariff: 'Home 500' }],
  ['a tariff carrying its own name', { tariff: { current: [{ id: 99, name: 'Legacy' }] } }, { tariff: 'Legacy' }],
  ['groups keyed by id', { group: { '1': { id: 1 }, '2': { id: 2 } } }, { group: 'Residential, North district' }],
  ['groups as bare ids', { group: [2, '1'] }, { group: 'North district, Residential' }],
  ['traffic: latest period by key', { traffic: { '2026-09': { up: 1, down: 2 }, '2026-11': { up: '30', down: 40 }, '2026-10': { up: 5, down: 6 } } }, { outgoingTraffic: 30, incomingTraffic: 40 }],
  ['traffic: numeric keys compared as numbers', { traffic: { '9': { up: 1, down: 1 }, '10': { up: 2, down: 3 } } }, { outgoingTraffic: 2, incomingTraffic: 3 }],
  ['traffic as an array', { traffic: [{ up: 1, down: 1 }, { up: 7, down: 8 }] }, { outgoingTraffic: 7, incomingTraffic: 8 }],
  ['traffic garbage', { traffic: { '2026-11': 'x' } }, { outgoingTraffic: 0, incomingTraffic: 0 }],
  ['billing uuid', { billing: { id: 1, uuid: 'abc-1' }, billing_id: 5 }, { billingId: 'abc-1' }],
  ['billing id without uuid', { billing: { id: 1, uuid: '' }, billing_id: 5 }, { billingId: '5' }],
  ['billing id 0 means none', { billing_id: 0 }, { billingId: '' }],
  ['comment', { comment: '  call first ' }, { comment: 'call first' }],
  [
    'dates',
    {
      date_activity: '2026-11-30 14:05:09',
      date_activity_inet: '',
      date_connect: '0000-00-00 00:00:00',
      date_create: '2019-03-04',
      date_positive_balance: '2026-02-30 10:00:00',
    },
    { networkActivity: '2026-11-30T14:05:09.000Z', internetActivity: null, connectionDate: null, creationDate: '2019-03-04T00:00:00.000Z', positiveBalanceDate: null },
  ],
];

t.test('customer fields', async (t) => {
  for (const [name, raw, expected] of fieldCases) {
    const snapshot = parseCustomer({ ...minimal, ...raw }, names);
    t.ok(snapshot, name);
    t.match(snapshot, expected, name);
    for (const [key, value] of Object.entries(expected)) t.same(snapshot?.[key as keyof CustomerSnapshot], value, `${name}: ${key}`);
  }
});

t.test('isoDate', async (t) => {
  const cases: [unknown, string | null][] = [
    ['2026-11-30 14:05:00', '2026-11-30T14:05:00.000Z'],
    ['2026-11-30T14:05:00', '2026-11-30T14:05:00.000Z'],
    ['2026-11-30 14:05', '2026-11-30T14:05:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2025-02-29', null],
    ['2026-13-01', null],
    ['2026-11-30 24:00:00', null],
    ['0000-00-00 00:00:00', null],
    ['0000-00-00', null],
    ['', null],
    ['  ', null],
    ['yesterday', null],
    [null, null],
    [undefined, null],
    [0, null],
    [1764511500, '2025-11-30T14:05:00.000Z'],
    ['1764511500', '2025-11-30T14:05:00.000Z'],
  ];
  for (const [input, expected] of cases) t.equal(isoDate(input), expected, JSON.stringify(input));
});

t.test('link keys', async (t) => {
  const cases: [name: string, raw: Record<string, unknown>, snFieldId: number | null | undefined, expected: { macs: string[]; sns: string[] }][] = [
    ['nothing to link', { id: 1 }, 7, { macs: [], sns: [] }],
    [
      'every ip_mac entry, any spelling, duplicates and garbage dropped',
      {
        ip_mac: {
          '10': { ip: '10.0.0.1', mac: 'AA-BB-CC-DD-EE-01' },
          '11': { ip: '10.0.0.2', mac: 'aabb.ccdd.ee02' },
          '12': { ip: '10.0.0.3', mac: 'AABBCCDDEE01' },
          '13': { ip: '10.0.0.4', mac: '' },
          '14': { ip: '10.0.0.5', mac: 'not-a-mac' },
          '15': { ip: '10.0.0.6' },
        },
      },
      null,
      { macs: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02'], sns: [] },
    ],
    ['ip_mac as an array', { ip_mac: [{ ip: '', mac: 'aa:bb:cc:dd:ee:03' }] }, null, { macs: ['aa:bb:cc:dd:ee:03'], sns: [] }],
    ['a lone ip_mac entry', { ip_mac: { ip: '', mac: 'aa:bb:cc:dd:ee:04' } }, null, { macs: ['aa:bb:cc:dd:ee:04'], sns: [] }],
    ['ip_mac as bare strings', { ip_mac: ['AA:BB:CC:DD:EE:05'] }, null, { macs: ['aa:bb:cc:dd:ee:05'], sns: [] }],
    ['no serial field named', { additional_data: { '7': { id: 7, value: 'ZTEGC6E96AD7' } } }, undefined, { macs: [], sns: [] }],
    ['the named field only', { additional_data: { '7': { id: 7, value: 'zteg-c6e96ad7' }, '8': { id: 8, value: 'HWTC11111111' } } }, 7, { macs: [], sns: ['ZTEGC6E96AD7'] }],
    ['matched by the entry id in an array', { additional_data: [{ id: '8', value: 'HWTC11111111' }, { id: 7, value: 'X' }] }, 8, { macs: [], sns: ['HWTC11111111'] }],
    ['matched by the key when the entry has no id', { additional_data: { '9': { value: 'HWTC22222222' } } }, 9, { macs: [], sns: ['HWTC22222222'] }],
    ['a bare value under the key', { additional_data: { '9': 'HWTC33333333' } }, 9, { macs: [], sns: ['HWTC33333333'] }],
    [
      'several serials separated by commas, semicolons and spaces',
      { additional_data: { '7': { id: 7, value: 'ZTEGC6E96AD7, hwtc1234abcd;ALCL00000001  5A544547000000AA\nZTEGC6E96AD7' } } },
      7,
      { macs: [], sns: ['ZTEGC6E96AD7', 'HWTC1234ABCD', 'ALCL00000001', 'ZTEG000000AA'] },
    ],
    ['a vendor prefix split off by a space stays with its serial', { additional_data: { '7': { id: 7, value: 'ZTEG C6E96AD7, HWTC 1234ABCD' } } }, 7, { macs: [], sns: ['ZTEGC6E96AD7', 'HWTC1234ABCD'] }],
    ['values as an array', { additional_data: { '7': { id: 7, value: ['ZTEGC6E96AD7', 'bad!'] } } }, 7, { macs: [], sns: ['ZTEGC6E96AD7'] }],
    ['empty and junk values', { additional_data: { '7': { id: 7, value: ' ; , n/a' } } }, 7, { macs: [], sns: [] }],
    ['a numeric value is no serial unless it looks like one', { additional_data: { '7': { id: 7, value: 12 } } }, 7, { macs: [], sns: [] }],
  ];
  for (const [name, raw, snFieldId, expected] of cases) t.same(linkKeys(raw, snFieldId), expected, name);
});

t.test('every generated customer parses and links to its own ONU', async (t) => {
  for (let i = 1; i <= 300; i++) {
    const raw = fakeCustomer(i, i % 2 === 0 ? 'object' : 'array');
    const snapshot = parseCustomer(raw, names);
    if (snapshot?.id !== i) t.fail(`customer ${i} did not parse`);
    const keys = linkKeys(raw, FAKE_SN_FIELD_ID);
    if (!keys.macs.includes(fakeMacFor(i)) || keys.sns[0] !== fakeSnFor(i) || keys.sns.length !== 1) {
      t.fail(`customer ${i} links to ${JSON.stringify(keys)}`);
    }
  }
  t.pass('300 customers');
});
