// A UserSide api.php on a real loopback port, answering the calls EasyPON makes
// the way userside-api.md describes, in either generation of the API, and
// failing on demand the ways real servers and networks fail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUserSideOptions {
  /** customers with ids 1..customers, generated on demand by fakeCustomer */
  customers: number;
  /** 'new': result/error/action, ids as an array; 'old': Result/ErrorText/subcat, ids as a comma string under `list` */
  style: 'new' | 'old';
  /** id-keyed parts of a customer (and tariff/group lists) as objects keyed by id, or as arrays */
  containers: 'object' | 'array';
  /** false: `customer_id=1,2,3` gets an ERROR answer; 'ignored': an OK answer with no customer in it */
  batch: boolean | 'ignored';
  /** customers whose `get_data` answers ERROR (as for one deleted, or a failing server) */
  refusedIds: number[];
  /** `get_customers_id` answers OK with neither `data` nor `list` */
  idListMissing: boolean;
  /** customers come without ip_mac and additional_data (an installation that lost them, or a broken answer) */
  withoutLinks: boolean;
  apiKey: string;
  /** delay before each answer */
  latencyMs: number;
  /** HTTP 500 for every request after the first N; null never */
  failAfter: number | null;
  /** answer with JSON cut short (the length header matches what is sent) */
  malformedJson: boolean;
  /** answer with a JSON-looking body of this many bytes, sent chunked; 0 off */
  hugeBodyBytes: number;
  /** announce the whole answer, send half of it, then drop the connection */
  closeMidAnswer: boolean;
  version: string;
}

export interface FakeUserSide {
  /** the api.php URL */
  url: string;
  apiKey: string;
  /** requests received so far */
  readonly requests: number;
  /** the query of every request received, in order */
  readonly queries: URLSearchParams[];
  setOptions(partial: Partial<FakeUserSideOptions>): void;
  close(): Promise<void>;
}

export const FAKE_SN_FIELD_ID = 7;
export const FAKE_TARIFFS: ReadonlyMap<number, string> = new Map([
  [1, 'Home 100'],
  [2, 'Home 500'],
  [3, 'Business 1G'],
]);
export const FAKE_GROUPS: ReadonlyMap<number, string> = new Map([
  [1, 'Residential'],
  [2, 'North district'],
]);

const DEFAULTS: FakeUserSideOptions = {
  customers: 10,
  style: 'new',
  containers: 'object',
  batch: true,
  refusedIds: [],
  idListMissing: false,
  withoutLinks: false,
  apiKey: 'fake-userside-key-1234567890',
  latencyMs: 0,
  failAfter: null,
  malformedJson: false,
  hugeBodyBytes: 0,
  closeMidAnswer: false,
  version: '3.18.5',
};

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeUserSide(options: Partial<FakeUserSideOptions> = {}): Promise<FakeUserSide> {
  let current: FakeUserSideOptions = { ...DEFAULTS, ...options };
  let requests = 0;
  const queries: URLSearchParams[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    requests++;
    const answer = () => handle(req, res, current, requests, queries);
    if (current.latencyMs <= 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, current.latencyMs);
    timers.add(timer);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api.php`,
    get apiKey() {
      return current.apiKey;
    },
    get requests() {
      return requests;
    },
    queries,
    setOptions(partial) {
      current = { ...current, ...partial };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: FakeUserSideOptions,
  requestNumber: number,
  queries: URLSearchParams[],
): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  queries.push(url.searchParams);
  if (url.pathname !== '/api.php') return sendText(res, 404, 'Not Found');
  if (options.failAfter !== null && requestNumber > options.failAfter) return sendText(res, 500, 'Internal Server Error');
  if (options.malformedJson) return sendRaw(res, 200, '{"result":"OK","data":{"1":{"id":1,"login":"us');
  if (options.hugeBodyBytes > 0) return sendHuge(res, options.hugeBodyBytes);

  const body = answerFor(url.searchParams, options);
  if (options.closeMidAnswer) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    return;
  }
  sendRaw(res, 200, body);
}

/** The JSON text of the answer to one api.php query. */
function answerFor(query: URLSearchParams, options: FakeUserSideOptions): string {
  const old = options.style === 'old';
  const result = old ? 'Result' : 'result';
  const ok = (payload: Record<string, unknown>) => JSON.stringify({ [result]: 'OK', ...payload });
  const okWithData = (dataJson: string) => `{"${result}":"OK","data":${dataJson}}`;
  const error = (text: string) => JSON.stringify({ [result]: 'ERROR', [old ? 'ErrorText' : 'error']: text });

  if (query.get('key') !== options.apiKey) return error('Wrong key');
  const call = `${query.get('cat')}/${query.get(old ? 'subcat' : 'action')}`;
  switch (call) {
    case 'system/get_system_info': {
      const now = new Date('2026-11-30T14:05:00Z');
      return ok({
        data: {
          userside_version: options.version,
          date_time_unix: Math.floor(now.getTime() / 1000),
          date_time_string: '2026-11-30 14:05:00',
          os: 'Linux',
          php_version: '8.1.2',
        },
      });
    }
    case 'customer/get_customers_id': {
      if (options.idListMissing) return ok({});
      const ids = Array.from({ length: options.customers }, (_, i) => i + 1);
      return old ? ok({ list: ids.join(',') }) : ok({ data: ids });
    }
    case 'customer/get_data': {
      const ids = (query.get('customer_id') ?? '').split(',').map(Number);
      const known = ids.filter((id) => Number.isInteger(id) && id >= 1 && id <= options.customers && !options.refusedIds.includes(id));
      if (ids.length === 1) {
        return known.length === 1 ? okWithData(fakeCustomerJson(known[0], options.containers, !options.withoutLinks)) : error('Customer not found');
      }
      if (!options.batch) return error('Wrong customer_id');
      if (options.batch === 'ignored') return okWithData('[]');
      const customers = known.map((id) => [id, fakeCustomerJson(id, options.containers, !options.withoutLinks)] as const);
      return okWithData(
        options.containers === 'array'
          ? `[${customers.map(([, json]) => json).join(',')}]`
          : `{${customers.map(([id, json]) => `"${id}":${json}`).join(',')}}`,
      );
    }
    case 'tariff/get':
      return ok({ data: container([...FAKE_TARIFFS].map(([id, name]) => ({ id, name, billing_uuid: `t-${id}` })), options.containers) });
    case 'customer/get_customer_group':
      return ok({ data: container([...FAKE_GROUPS].map(([id, name]) => ({ id, name })), options.containers) });
    default:
      return error('Unknown action');
  }
}

// ---------------------------------------------------------------------------
// The generated customer base

/** The ONU MAC customer `i` carries (normalised form). */
export function fakeMacFor(i: number): string {
  const h = '02' + i.toString(16).padStart(10, '0');
  return `${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

/** The GPON serial customer `i` carries in additional-data field 7 (normalised form). */
export function fakeSnFor(i: number): string {
  return 'ZTEG' + i.toString(16).toUpperCase().padStart(8, '0');
}

/** Customer `i` as `get_data` returns it; MACs and serials are spelled in varying ways, as operators type them. */
export function fakeCustomer(i: number, containers: 'object' | 'array' = 'object'): { id: number } & Record<string, unknown> {
  return JSON.parse(fakeCustomerJson(i, containers));
}

/**
 * The same customer as JSON text. Written out by hand rather than through
 * JSON.stringify so that serving 100,000 customers stays quick; every value is
 * plain ASCII without quotes or backslashes, so nothing needs escaping.
 */
function fakeCustomerJson(i: number, containers: 'object' | 'array', withLinks = true): string {
  const keyed = (items: [id: number, json: string][]) =>
    containers === 'array'
      ? `[${items.map(([, json]) => json).join(',')}]`
      : `{${items.map(([id, json]) => `"${id}":${json}`).join(',')}}`;
  const tariffId = (i % 3) + 1;
  const groupId = (i % 2) + 1;
  const house = 1 + (i % 100);
  const padded = String(i).padStart(7, '0');
  const ip = ipFor(i);
  const mac = fakeMacFor(i);
  return `{"id":${i},"login":"user${i}","full_name":"Customer ${i}","flag_corporate":0,\
"balance":${Math.round(((i * 3701) % 20000) - 2000) / 100},"credit":${i % 5 === 0 ? 100 : 0},"state_id":${i % 3},\
"agreement":[{"number":"A-${i}","date":"2020-01-15"}],"account_number":"${100000 + i}",\
"tariff":{"current":${keyed([[tariffId, `{"id":${tariffId},"date_finish":"0000-00-00 00:00:00"}`]])},"new":${containers === 'array' ? '[]' : '{}'}},\
"group":${keyed([[groupId, `{"id":${groupId}}`]])},\
"traffic":{"2026-10":{"up":${i * 1000},"down":${i * 2000}},"2026-11":{"up":${i * 1024},"down":${i * 1024 * 1024}}},\
"date_create":"2020-01-01 10:00:00","date_connect":"2020-01-02 12:30:00",\
"date_positive_balance":"${i % 2 === 0 ? '2026-11-01 00:00:00' : ''}",\
"date_activity":"2026-11-30 14:05:00","date_activity_inet":"0000-00-00 00:00:00",\
"is_disable":0,"is_potential":0,"is_in_billing":1,"billing_id":1,"billing":{"id":1,"uuid":"uuid-${i}"},\
"phone":[{"number":"+1555${padded}","flag_main":0},{"number":"+1666${padded}","flag_main":1}],\
"email":[{"address":"user${i}@example.net","flag_main":0}],\
"address":[{"type":"connect","house_id":${house},"apartment":{"full_name":"Main St ${house}, apt ${i}","number":"${i}","block":""},\
"entrance":${1 + (i % 4)},"floor":${1 + (i % 9)}}],\
"ip_mac":${keyed(withLinks ? [
    [2 * i, `{"ip":"${ip}","mac":"${spelledMac(mac, i)}"}`],
    [2 * i + 1, `{"ip":"${ip}","mac":"${spelledMac('06' + mac.slice(2), i + 1)}"}`],
  ] : [])},\
"comment":"${i % 4 === 0 ? `Note for ${i}` : ''}","comment2":"",\
"additional_data":${keyed(withLinks ? [
    [3, `{"id":3,"value":"Building ${house}"}`],
    [FAKE_SN_FIELD_ID, `{"id":${FAKE_SN_FIELD_ID},"value":"${spelledSn(fakeSnFor(i), i)}"}`],
  ] : [])}}`;
}

function spelledMac(mac: string, i: number): string {
  const hex = mac.replaceAll(':', '');
  switch (i % 3) {
    case 0:
      return mac.toUpperCase().replaceAll(':', '-');
    case 1:
      return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`;
    default:
      return hex;
  }
}

// "ZTEG" spelled in hex, the 16-hex-digit form some OLTs show.
const ZTEG_HEX = '5A544547';

function spelledSn(sn: string, i: number): string {
  return i % 2 === 0 ? sn.toLowerCase() : ZTEG_HEX + sn.slice(4);
}

function ipFor(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function container<T extends { id: number }>(items: T[], containers: 'object' | 'array'): T[] | Record<string, T> {
  return containers === 'array' ? items : Object.fromEntries(items.map((item) => [String(item.id), item]));
}

// ---------------------------------------------------------------------------
// Sending

function sendRaw(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendHuge(res: ServerResponse, size: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  res.write('{"result":"OK","data":"');
  const pump = (): void => {
    while (sent < size && !res.destroyed) {
      const piece = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('error', () => {});
  pump();
}
