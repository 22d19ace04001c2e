import t from 'tap';
import type { CustomerSnapshot } from '../../src/userside/customer.js';
import {
  CUSTOMER_FIELDS,
  formatFieldForPage,
  humanBytes,
  isCustomerFieldKey,
  pickFieldsForApi,
  type CustomerFieldKey,
} from '../../src/userside/fields.js';

const snapshot: CustomerSnapshot = {
  id: 6,
  userName: 'Customer 6',
  fullName: 'Customer 6',
  login: 'user6',
  contacts: ['+16660000006', 'user6@example.net'],
  contractId: 'A-6',
  userId: 6,
  address: 'Main St 7, apt 6',
  status: 'active',
  balance: 120.5,
  credit: 100,
  tariff: 'Home 100',
  networkActivity: '2026-11-30T14:05:09.000Z',
  internetActivity: null,
  connectionDate: '2020-01-02T12:30:00.000Z',
  comment: '',
  incomingTraffic: 1610612736,
  outgoingTraffic: 512,
  group: 'Residential',
  billingId: 'uuid-6',
  creationDate: '2020-01-01T10:00:00.000Z',
  positiveBalanceDate: null,
};

t.test('the 21 fields, in the order and with the labels of the Integration page', async (t) => {
  t.same(
    CUSTOMER_FIELDS.map((f) => f.label),
    [
      'ID', 'User Name', 'User full Name', 'User Login', 'Contacts', 'Contract ID', 'User ID', 'User Address', 'Status',
      'Balance', 'Tariff', 'Network activity', 'Internet activity', 'Connection date', 'Comment', 'Incoming traffic',
      'Outgoing traffic', 'Group', 'Billing ID', 'Creation date', 'Positive balance date',
    ],
  );
  t.same(
    CUSTOMER_FIELDS.map((f) => f.key),
    [
      'id', 'userName', 'fullName', 'login', 'contacts', 'contractId', 'userId', 'address', 'status', 'balance', 'tariff',
      'networkActivity', 'internetActivity', 'connectionDate', 'comment', 'incomingTraffic', 'outgoingTraffic', 'group',
      'billingId', 'creationDate', 'positiveBalanceDate',
    ],
  );
  t.ok(Object.isFrozen(CUSTOMER_FIELDS));
  t.ok(isCustomerFieldKey('tariff'));
  t.notOk(isCustomerFieldKey('credit'), 'credit is part of Balance, not a field of its own');
  t.notOk(isCustomerFieldKey('constructor'));
});

t.test('formatFieldForPage', async (t) => {
  const cases: [key: CustomerFieldKey, change: Partial<CustomerSnapshot>, expected: string][] = [
    ['id', {}, '6'],
    ['userId', {}, '6'],
    ['userName', {}, 'Customer 6'],
    ['login', { login: '' }, '—'],
    ['contacts', {}, '+16660000006, user6@example.net'],
    ['contacts', { contacts: [] }, '—'],
    ['status', { status: 'active' }, 'Active'],
    ['status', { status: 'paused' }, 'Paused'],
    ['status', { status: 'stopped' }, 'Stopped'],
    ['status', { status: '5' }, '5'],
    ['status', { status: '' }, '—'],
    ['balance', {}, '120.50 (credit 100.00)'],
    ['balance', { credit: 0 }, '120.50'],
    ['balance', { balance: -15, credit: 0 }, '-15.00'],
    ['balance', { balance: 0, credit: 0 }, '0.00'],
    ['incomingTraffic', {}, '1.5 GB'],
    ['outgoingTraffic', {}, '512 B'],
    ['outgoingTraffic', { outgoingTraffic: 0 }, '0 B'],
    ['networkActivity', {}, '2026-11-30 14:05 UTC'],
    ['internetActivity', {}, '—'],
    ['connectionDate', {}, '2020-01-02 12:30 UTC'],
    ['creationDate', {}, '2020-01-01 10:00 UTC'],
    ['positiveBalanceDate', {}, '—'],
    ['comment', {}, '—'],
    ['comment', { comment: 'Call first' }, 'Call first'],
    ['tariff', {}, 'Home 100'],
    ['group', { group: '' }, '—'],
    ['billingId', {}, 'uuid-6'],
    ['contractId', {}, 'A-6'],
    ['address', {}, 'Main St 7, apt 6'],
    ['fullName', {}, 'Customer 6'],
  ];
  for (const [key, change, expected] of cases) {
    t.equal(formatFieldForPage(key, { ...snapshot, ...change }), expected, `${key} ${JSON.stringify(change)}`);
  }
  for (const { key } of CUSTOMER_FIELDS) t.type(formatFieldForPage(key, snapshot), 'string', `${key} is always text`);
});

t.test('humanBytes', async (t) => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [1048575, '1 MB'],
    [5 * 1024 * 1024, '5 MB'],
    [1610612736, '1.5 GB'],
    [3.25 * 1024 ** 4, '3.3 TB'],
    [2 * 1024 ** 5, '2 PB'],
    [3 * 1024 ** 6, '3072 PB'],
  ];
  for (const [bytes, expected] of cases) t.equal(humanBytes(bytes), expected, String(bytes));
});

t.test('pickFieldsForApi', async (t) => {
  t.same(pickFieldsForApi([], snapshot), {});
  t.same(pickFieldsForApi(['status', 'balance', 'contacts', 'internetActivity', 'incomingTraffic'], snapshot), {
    status: 'active',
    balance: 120.5,
    contacts: ['+16660000006', 'user6@example.net'],
    internetActivity: null,
    incomingTraffic: 1610612736,
  });
  const all = pickFieldsForApi(
    CUSTOMER_FIELDS.map((f) => f.key),
    snapshot,
  );
  t.equal(Object.keys(all).length, 21);
  t.notOk('credit' in all, 'credit only shows inside Balance on pages');
  t.same(Object.keys(pickFieldsForApi(['tariff', 'id'], snapshot)), ['tariff', 'id'], 'in the order asked');
  t.same(pickFieldsForApi(['id', 'credit' as CustomerFieldKey, '__proto__' as CustomerFieldKey], snapshot), { id: 6 }, 'unknown keys ignored');
});
