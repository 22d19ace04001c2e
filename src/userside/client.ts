// The UserSide API client: one method per remote call, every failure turned
// into a UserSideError an operator can read, and the API key kept out of all
// of them. Answers are parsed at this edge; customers stay raw objects here
// because turning them into snapshots is customer.ts's job.
import { STATUS_CODES } from 'node:http';
import { Pool, request } from 'undici';

export type UserSideErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'http'
  | 'key-rejected'
  | 'not-userside';

/** A failed UserSide call; `message` is safe to show and log (never holds the key). */
export class UserSideError extends Error {
  override readonly name = 'UserSideError';

  constructor(
    readonly kind: UserSideErrorKind,
    message: string,
    /** the HTTP status, when the server answered with one */
    readonly status?: number,
    /** the text of a UserSide `ERROR` answer, when there was one */
    readonly serverError?: string,
  ) {
    super(message);
  }
}

/** One customer exactly as `get_data` returned it; customer.ts parses it. */
export type RawCustomer = Record<string, unknown>;

export interface SystemInfo {
  version: string | null;
  os: string | null;
  phpVersion: string | null;
  /** the server's clock, ISO 8601 UTC, when it reported one */
  serverTime: string | null;
}

export interface UserSideClientOptions {
  /** the api.php URL, as normalizeApiUrl stores it */
  apiUrl: string;
  apiKey: string;
  /** total time for one request, headers and body */
  timeoutMs?: number;
  /** requests in flight at once */
  concurrency?: number;
  /** customer ids asked for in one `get_data` */
  batchSize?: number;
  /** an answer larger than this fails as 'not-userside' */
  maxBodyBytes?: number;
}

export interface UserSideClient {
  getSystemInfo(): Promise<SystemInfo>;
  getCustomerIds(): Promise<number[]>;
  /** the customers with these ids; ids UserSide no longer knows are left out */
  getCustomers(ids: readonly number[]): Promise<RawCustomer[]>;
  /** the same, one batch at a time in the order of `ids`, so a run can report progress and keep memory flat */
  customerBatches(ids: readonly number[]): AsyncGenerator<RawCustomer[]>;
  getTariffNames(): Promise<Map<number, string>>;
  getGroupNames(): Promise<Map<number, string>>;
  /** aborts requests in flight and frees the connections */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
// The body of a non-2xx answer is only read for a UserSide error text.
const ERROR_BODY_BYTES = 64 * 1024;

/** Builds a client for one UserSide installation. */
export function createUserSideClient(options: UserSideClientOptions): UserSideClient {
  const {
    apiUrl,
    apiKey,
    timeoutMs = 10_000,
    concurrency = 4,
    batchSize = 100,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  } = options;
  const endpoint = new URL(apiUrl);
  const redact = redactorFor(apiKey);
  const pool = new Pool(endpoint.origin, {
    connections: concurrency,
    keepAliveTimeout: 30_000,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const slots = createLimiter(concurrency);
  const ctx: CallContext = { pool, endpoint, apiKey, redact, timeoutMs, maxBodyBytes, inFlight: new Set(), closed: false };
  const call = (cat: string, action: string, extra: Record<string, string> = {}) =>
    slots(() => callUserSide(ctx, cat, action, extra));

  // Customers deleted between the id list and get_data: a few a batch, not more.
  const MAX_DELETED_PER_BATCH = 2;

  // Whether `customer_id=1,2,3` works is unconfirmed: the first refusal switches
  // this client to one id a request for good.
  let batchRefused = false;
  let anyCustomerFetched = false;

  async function fetchOneByOne(ids: readonly number[]): Promise<RawCustomer[]> {
    const refusals: UserSideError[] = [];
    const answers = await Promise.all(
      ids.map(async (id) => {
        try {
          return customersIn(payloadOf(await call('customer', 'get_data', { customer_id: String(id) })));
        } catch (err) {
          // An ERROR for one id is a customer deleted since the id list was read.
          if (isServerRefusal(err)) {
            refusals.push(err);
            return [];
          }
          throw err;
        }
      }),
    );
    const customers = answers.flat();
    // ...unless not one customer could ever be read (get_data itself is refused), or
    // too many at once for deletions (the server is failing): a run must not unlink them.
    if (customers.length === 0 && !anyCustomerFetched && refusals.length > 0) throw refusals[0];
    if (refusals.length > MAX_DELETED_PER_BATCH && refusals.length * 10 > ids.length) throw refusals[0];
    if (customers.length > 0) anyCustomerFetched = true;
    return customers;
  }

  async function fetchBatch(ids: readonly number[]): Promise<RawCustomer[]> {
    if (batchRefused || ids.length === 1) return fetchOneByOne(ids);
    try {
      const payload = payloadOf(await call('customer', 'get_data', { customer_id: ids.join(',') }));
      // A server that reads `1,2,3` as `1` answers with that one customer.
      // No customer at all for a list of ids: the server ignored the list, so ask one by one.
      if (!isRecord(payload) || !looksLikeCustomer(payload)) {
        const customers = customersIn(payload);
        if (customers.length > 0) {
          anyCustomerFetched = true;
          return customers;
        }
      }
    } catch (err) {
      if (!isServerRefusal(err)) throw err;
    }
    batchRefused = true;
    return fetchOneByOne(ids);
  }

  async function* customerBatches(ids: readonly number[]): AsyncGenerator<RawCustomer[]> {
    const chunks = chunk(ids, batchSize);
    const inFlight: Promise<RawCustomer[]>[] = [];
    let next = 0;
    const startNext = () => {
      const pending = fetchBatch(chunks[next++]);
      pending.catch(() => {}); // awaited in order below; this only silences early rejections
      inFlight.push(pending);
    };
    while (next < chunks.length && inFlight.length < concurrency) startNext();
    while (inFlight.length > 0) {
      const batch = await inFlight.shift()!;
      if (next < chunks.length) startNext();
      yield batch;
    }
  }

  return {
    async getSystemInfo() {
      const data = payloadOf(await call('system', 'get_system_info'));
      const info = isRecord(data) ? data : {};
      const unix = Number(info.date_time_unix);
      return {
        version: textOrNull(info.userside_version),
        os: textOrNull(info.os),
        phpVersion: textOrNull(info.php_version),
        serverTime: Number.isFinite(unix) && unix > 0 ? new Date(unix * 1000).toISOString() : null,
      };
    },

    async getCustomerIds() {
      const answer = await call('customer', 'get_customers_id');
      const payload = fieldOf(answer, 'data') ?? fieldOf(answer, 'list');
      const ids = payload === undefined ? null : parseIdList(payload);
      if (ids === null) throw new UserSideError('not-userside', 'UserSide: the customer id list has an unexpected shape');
      return ids;
    },

    async getCustomers(ids) {
      const all: RawCustomer[] = [];
      for await (const batch of customerBatches(ids)) all.push(...batch);
      return all;
    },

    customerBatches,

    async getTariffNames() {
      return namesById(payloadOf(await call('tariff', 'get')));
    },

    async getGroupNames() {
      return namesById(payloadOf(await call('customer', 'get_customer_group')));
    },

    async close() {
      ctx.closed = true;
      for (const controller of ctx.inFlight) controller.abort();
      await pool.destroy().catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------
// The address

/** Turns what an operator typed into the api.php URL to store, or a reason it cannot be. */
export function normalizeApiUrl(input: string): { url: string } | { error: string } {
  const text = input.trim();
  const example = 'e.g. https://billing.example.net';
  if (text === '') return { error: `Enter the UserSide address, ${example}.` };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    return { error: `Start the UserSide address with http:// or https://, ${example}.` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `This is not a valid address, ${example}.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `Only http:// and https:// addresses are allowed, ${example}.` };
  }
  if (!/^\/\//.test(text.slice(url.protocol.length))) {
    return { error: `This is not a valid address, ${example}.` };
  }
  if (url.username !== '' || url.password !== '') {
    return { error: 'Remove the user name and password from the address; the API key goes in its own field.' };
  }
  if (!isPlausibleHost(url.hostname)) return { error: `This is not a valid address, ${example}.` };
  if (url.search !== '') {
    return { error: 'Remove the part after "?" from the address; the API key goes in its own field.' };
  }
  let path = url.pathname;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  if (lastSegment.toLowerCase() === 'api.php') {
    path = path.slice(0, path.length - lastSegment.length) + 'api.php';
  } else if (/\.[a-z0-9]+$/i.test(lastSegment)) {
    return { error: `The address points to ${lastSegment}; give the UserSide address or its api.php.` };
  } else {
    path = (path.endsWith('/') ? path : path + '/') + 'api.php';
  }
  return { url: url.origin + path };
}

function isPlausibleHost(hostname: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(hostname)) return true;
  return hostname.split('.').every((label) => /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/i.test(label));
}

// ---------------------------------------------------------------------------
// One request

interface CallContext {
  pool: Pool;
  endpoint: URL;
  apiKey: string;
  redact: (text: string) => string;
  timeoutMs: number;
  maxBodyBytes: number;
  /** one controller per request in flight, so close() can abort them */
  inFlight: Set<AbortController>;
  closed: boolean;
}

type Envelope = Record<string, unknown>;

async function callUserSide(
  ctx: CallContext,
  cat: string,
  action: string,
  extra: Record<string, string>,
): Promise<Envelope> {
  const query = new URLSearchParams({ key: ctx.apiKey, cat, action, subcat: action, ...extra });
  const url = new URL(ctx.endpoint);
  url.search = query.toString();
  try {
    return await requestOnce(ctx, url);
  } catch (err) {
    // A kept-alive connection the server closed just as it was reused: every call is a read, so ask again once.
    if (err instanceof UserSideError && droppedBeforeAnswer.has(err)) return requestOnce(ctx, url);
    throw err;
  }
}

// Errors of connections closed before any answer came, which are worth one more try.
const droppedBeforeAnswer = new WeakSet<UserSideError>();

async function requestOnce(ctx: CallContext, url: URL): Promise<Envelope> {
  if (ctx.closed) throw closedError();
  const abort = new AbortController();
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, ctx.timeoutMs);
  ctx.inFlight.add(abort);
  let stage: 'connect' | 'body' = 'connect';
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: ctx.pool,
      signal: abort.signal,
      headers: { accept: 'application/json' },
    });
    stage = 'body';
    const { statusCode, headers, body } = response;
    if (statusCode < 200 || statusCode > 299) {
      const text = await readCapped(body, ERROR_BODY_BYTES, headers['content-length'], true).catch(() => null);
      throw statusError(statusCode, headers.location, text, ctx.redact);
    }
    const bytes = await readCapped(body, ctx.maxBodyBytes, headers['content-length'], false);
    return parseEnvelope(bytes, String(headers['content-type'] ?? ''), ctx.redact);
  } catch (err) {
    if (err instanceof UserSideError) throw err;
    if (ctx.closed) throw closedError();
    if (timedOut) throw timeoutError(ctx.timeoutMs);
    throw networkError(err, stage, ctx);
  } finally {
    clearTimeout(timeout);
    ctx.inFlight.delete(abort);
  }
}

function closedError(): Error {
  const err = new Error('UserSide: the request was cancelled because the client was closed');
  err.name = 'AbortError';
  return err;
}

function timeoutError(timeoutMs: number): UserSideError {
  const seconds = Number((timeoutMs / 1000).toFixed(1));
  return new UserSideError('timeout', `UserSide: timed out after ${seconds} s`);
}

class BodyTooLarge extends Error {}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  cap: number,
  contentLength: string | string[] | undefined,
  truncate: boolean,
): Promise<Buffer> {
  if (!truncate && Number(contentLength) > cap) {
    body.destroy();
    throw new BodyTooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    chunks.push(chunk);
    if (size > cap) {
      body.destroy();
      if (truncate) break;
      throw new BodyTooLarge();
    }
  }
  return Buffer.concat(chunks);
}

function statusError(
  status: number,
  location: string | string[] | undefined,
  body: Buffer | null,
  redact: (text: string) => string,
): UserSideError {
  const text = body ? serverErrorText(tryParseJson(body)) : null;
  const reason = text === null ? null : redact(text);
  const said = reason === null ? '' : ` (server says: ${reason})`;
  if (status === 401 || status === 403 || (reason !== null && mentionsKey(reason))) {
    return new UserSideError('key-rejected', `UserSide: the API key was rejected (HTTP ${status})${said}`, status, reason ?? undefined);
  }
  const statusLine = `HTTP ${status}${STATUS_CODES[status] ? ' ' + STATUS_CODES[status] : ''}`;
  const target = typeof location === 'string' ? withoutQuery(location) : null;
  const hint =
    status >= 300 && status < 400 && target
      ? `; the server redirects to ${redact(target)}, use that address`
      : status === 404
        ? '; check the address'
        : '';
  return new UserSideError('http', `UserSide: ${statusLine}${said}${hint}`, status, reason ?? undefined);
}

function parseEnvelope(bytes: Buffer, contentType: string, redact: (text: string) => string): Envelope {
  const parsed = tryParseJson(bytes);
  if (parsed === undefined) {
    const what = /html/i.test(contentType) || /^\s*</.test(bytes.subarray(0, 64).toString('latin1'))
      ? 'an HTML page'
      : bytes.length === 0 ? 'an empty answer' : 'something that is not JSON';
    return notUserSide(`UserSide: the server answered with ${what}, not the UserSide API; check the address`);
  }
  if (!isRecord(parsed)) return notUserSide('UserSide: the answer is JSON but not a UserSide API answer');
  const result = fieldOf(parsed, 'result');
  if (typeof result === 'string' && result.toUpperCase() === 'OK') return parsed;
  if (typeof result === 'string' && result.toUpperCase() === 'ERROR') {
    const reason = redact(serverErrorText(parsed) ?? 'no reason given');
    if (mentionsKey(reason)) {
      throw new UserSideError('key-rejected', `UserSide: the API key was rejected (server says: ${reason})`, undefined, reason);
    }
    throw new UserSideError('not-userside', `UserSide: the server answered with an error: ${reason}`, undefined, reason);
  }
  return notUserSide('UserSide: the answer is JSON but not a UserSide API answer (no result)');
}

function notUserSide(message: string): never {
  throw new UserSideError('not-userside', message);
}

function tryParseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

function serverErrorText(answer: unknown): string | null {
  if (!isRecord(answer)) return null;
  const text = fieldOf(answer, 'error') ?? fieldOf(answer, 'errortext');
  if (typeof text === 'string' && text.trim() !== '') return text.trim().slice(0, 300);
  if (typeof text === 'number') return String(text);
  return null;
}

// "How a wrong key is answered is not documented": any ERROR naming the key counts.
function mentionsKey(text: string): boolean {
  return /\bkey\b|api[_ -]?key|apikey|ключ/i.test(text);
}

/**
 * The refusal of a call by UserSide itself (as opposed to a network failure, a
 * wrong key, or a server in trouble: a 5xx is never read as "no such customer").
 */
function isServerRefusal(err: unknown): err is UserSideError {
  return err instanceof UserSideError && err.serverError !== undefined && err.kind !== 'key-rejected'
    && (err.status === undefined || err.status < 500);
}

const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS; is the address http:// rather than https://?',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the server does not speak TLS; is the address http:// rather than https://?',
};

function networkError(err: unknown, stage: 'connect' | 'body', ctx: CallContext): UserSideError {
  if (err instanceof BodyTooLarge) {
    const mb = Math.round(ctx.maxBodyBytes / (1024 * 1024));
    const cap = mb > 0 ? `${mb} MB` : `${ctx.maxBodyBytes} bytes`;
    return new UserSideError('not-userside', `UserSide: the answer is larger than ${cap}; not a UserSide API answer`);
  }
  const host = ctx.endpoint.hostname;
  const hostPort = `${host}:${ctx.endpoint.port || (ctx.endpoint.protocol === 'https:' ? 443 : 80)}`;
  const codes = errorCodes(err);
  const has = (...wanted: string[]) => wanted.some((code) => codes.includes(code));
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA')) {
    return new UserSideError('unreachable', `UserSide: name not resolved (${host})`);
  }
  if (has('ECONNREFUSED')) return new UserSideError('unreachable', `UserSide: connection refused (${hostPort})`);
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN')) {
    return new UserSideError('unreachable', `UserSide: host unreachable (${hostPort})`);
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT')) {
    return timeoutError(ctx.timeoutMs);
  }
  const tlsCode = codes.find((code) => code in TLS_REASONS || /^ERR_(SSL|TLS)_|^(CERT|SSL)_/.test(code));
  if (tlsCode !== undefined) {
    return new UserSideError('tls', `UserSide: TLS error (${TLS_REASONS[tlsCode] ?? tlsCode})`);
  }
  if (stage === 'body') {
    return new UserSideError('not-userside', 'UserSide: the answer was cut off before its end');
  }
  if (has('UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED')) {
    const dropped = new UserSideError('unreachable', `UserSide: the connection was closed before an answer (${hostPort})`);
    droppedBeforeAnswer.add(dropped);
    return dropped;
  }
  const detail = codes[0] ?? (err instanceof Error ? err.message : String(err));
  return new UserSideError('unreachable', `UserSide: request failed (${ctx.redact(detail).slice(0, 200)})`);
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; isRecord(e) && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

function redactorFor(apiKey: string): (text: string) => string {
  const secrets = [apiKey, encodeURIComponent(apiKey), new URLSearchParams({ k: apiKey }).toString().slice(2)]
    .filter((s, i, all) => s.length > 0 && all.indexOf(s) === i);
  return (text) => {
    let out = text.replace(/([?&]key=)[^&\s#]*/gi, '$1***');
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
}

function withoutQuery(location: string): string {
  return location.replace(/[?#].*$/s, '');
}

// ---------------------------------------------------------------------------
// Answers

function payloadOf(answer: Envelope): unknown {
  return fieldOf(answer, 'data') ?? fieldOf(answer, 'id') ?? fieldOf(answer, 'list');
}

/** `answer[name]`, or failing that the field whose name differs only in case (`Result`, `ErrorText`, `Id`). */
function fieldOf(answer: Record<string, unknown>, name: string): unknown {
  if (answer[name] !== undefined) return answer[name];
  const lower = name.toLowerCase();
  const key = Object.keys(answer).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : answer[key];
}

/** Ids as an array of numbers (or numeric strings), a comma-separated string, or an object of them; null if none of these. */
function parseIdList(payload: unknown): number[] | null {
  let raw: unknown[];
  if (payload === undefined || payload === null || payload === '') raw = [];
  else if (typeof payload === 'number') raw = [payload];
  else if (typeof payload === 'string') raw = payload.split(/[\s,;]+/).filter((s) => s !== '');
  else if (Array.isArray(payload)) raw = payload;
  else if (isRecord(payload)) raw = Object.entries(payload).map(([key, value]) => (isRecord(value) ? value.id ?? key : value));
  else return null;
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const item of raw) {
    const id = Number(item);
    if (!Number.isSafeInteger(id) || id <= 0 || (typeof item !== 'number' && typeof item !== 'string')) return null;
    if (!seen.has(id)) ids.push(id);
    seen.add(id);
  }
  return ids;
}

function customersIn(payload: unknown): RawCustomer[] {
  if (isRecord(payload) && looksLikeCustomer(payload)) return [payload];
  // In a container keyed by id, the key stands in for an id the customer itself lacks.
  const entries = Array.isArray(payload) ? payload.map((v) => ['', v] as const) : isRecord(payload) ? Object.entries(payload) : [];
  return entries.flatMap(([key, item]) => {
    if (!isRecord(item)) return [];
    if (looksLikeCustomer(item)) return [item];
    return /^\d+$/.test(key) && Number(key) > 0 ? [{ ...item, id: Number(key) }] : [];
  });
}

function looksLikeCustomer(value: Record<string, unknown>): boolean {
  return typeof value.id === 'number' || (typeof value.id === 'string' && value.id.trim() !== '');
}

function namesById(payload: unknown): Map<number, string> {
  const names = new Map<number, string>();
  const entries = Array.isArray(payload) ? payload.map((v) => [undefined, v] as const) : isRecord(payload) ? Object.entries(payload) : [];
  for (const [key, item] of entries) {
    if (!isRecord(item)) continue;
    const id = Number(item.id ?? key);
    const name = textOrNull(item.name);
    if (Number.isSafeInteger(id) && name !== null) names.set(id, name);
  }
  return names;
}

function textOrNull(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------
// Plumbing

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs at most `slots` tasks at once; the rest wait in order. */
function createLimiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < slots) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over, still counted
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
