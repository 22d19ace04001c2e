import t, { type Test } from 'tap';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  createUserSideClient,
  normalizeApiUrl,
  UserSideError,
  type UserSideClientOptions,
  type UserSideErrorKind,
} from '../../src/userside/client.js';
import { FAKE_GROUPS, FAKE_TARIFFS, fakeCustomer, startFakeUserSide, type FakeUserSideOptions } from '../fakes/userside.js';

// A key with characters that change under URL encoding, so both spellings are checked.
const SECRET_KEY = 'S3cr3t-Key+/=Zq9';

async function fake(t: Test, options: Partial<FakeUserSideOptions> = {}) {
  const server = await startFakeUserSide({ apiKey: SECRET_KEY, ...options });
  t.teardown(() => server.close());
  return server;
}

function client(t: Test, options: Partial<UserSideClientOptions> & { apiUrl: string }) {
  const c = createUserSideClient({ apiKey: SECRET_KEY, ...options });
  t.teardown(() => c.close());
  return c;
}

/** A one-off HTTP server for answers the fake does not give. */
async function rawServer(t: Test, listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api.php`;
}

function json(body: unknown, status = 200): RequestListener {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

async function expectFailure(t: Test, promise: Promise<unknown>, kind: UserSideErrorKind, message: RegExp) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UserSideError)) {
    t.fail(`expected a UserSideError, got ${inspect(err)}`);
    return;
  }
  t.equal(err.kind, kind, 'kind');
  t.match(err.message, message, 'message');
  t.match(err.message, /^UserSide: /, 'prefixed');
  for (const rendering of [err.message, String(err.stack), inspect(err, { depth: 10 }), JSON.stringify(err)]) {
    t.notOk(rendering.includes(SECRET_KEY), 'key not shown');
    t.notOk(rendering.includes(encodeURIComponent(SECRET_KEY)), 'encoded key not shown');
    t.notOk(rendering.includes('S3cr3t'), 'no part of the key shown');
  }
  return err;
}

t.test('normalizeApiUrl', async (t) => {
  const accepted: [string, string][] = [
    ['https://billing.example.net', 'https://billing.example.net/api.php'],
    ['https://billing.example.net/', 'https://billing.example.net/api.php'],
    ['  https://Billing.Example.NET  ', 'https://billing.example.net/api.php'],
    ['http://host:8080/', 'http://host:8080/api.php'],
    ['https://host/sub/', 'https://host/sub/api.php'],
    ['https://host/sub', 'https://host/sub/api.php'],
    ['https://host/sub/api.php', 'https://host/sub/api.php'],
    ['https://billing.example.net/api.php', 'https://billing.example.net/api.php'],
    ['https://billing.example.net/API.PHP', 'https://billing.example.net/api.php'],
    ['https://billing.example.net:443/api.php', 'https://billing.example.net/api.php'],
    ['http://10.0.0.5', 'http://10.0.0.5/api.php'],
    ['http://[::1]:8080/us/', 'http://[::1]:8080/us/api.php'],
    ['https://billing.example.net/api.php#top', 'https://billing.example.net/api.php'],
  ];
  for (const [input, url] of accepted) t.same(normalizeApiUrl(input), { url }, JSON.stringify(input));

  const refused: [string, RegExp][] = [
    ['', /Enter the UserSide address/],
    ['   ', /Enter the UserSide address/],
    ['billing.example.net', /http:\/\/ or https:\/\//],
    ['ftp://billing.example.net', /Only http:\/\/ and https:\/\//],
    ['javascript:alert(1)', /Only http:\/\/ and https:\/\//],
    ['file:///etc/passwd', /Only http:\/\/ and https:\/\//],
    ['https://admin:pw@billing.example.net', /user name and password/],
    ['https://admin@billing.example.net', /user name and password/],
    ['https://billing.example.net/api.php?key=abc', /part after "\?"/],
    ['https://', /not a valid address/],
    ['http:billing.example.net', /not a valid address/],
    ['https://bill ing.example.net', /not a valid address/],
    ['https://billing..example.net', /not a valid address/],
    ['https://billing.example.net/index.php', /points to index.php/],
    ['not a url at all', /http:\/\/ or https:\/\//],
  ];
  for (const [input, error] of refused) {
    const result = normalizeApiUrl(input);
    t.ok('error' in result, `${JSON.stringify(input)} refused`);
    if ('error' in result) t.match(result.error, error, JSON.stringify(input));
  }
});

for (const style of ['new', 'old'] as const) {
  t.test(`${style} style: system info and customer ids`, async (t) => {
    const server = await fake(t, { style, customers: 42, version: '3.19.1' });
    const us = client(t, { apiUrl: server.url });
    const info = await us.getSystemInfo();
    t.same(info, { version: '3.19.1', os: 'Linux', phpVersion: '8.1.2', serverTime: '2026-11-30T14:05:00.000Z' });
    const ids = await us.getCustomerIds();
    t.equal(ids.length, 42);
    t.same(ids.slice(0, 3), [1, 2, 3]);
    const query = server.queries[0];
    t.equal(query.get('cat'), 'system');
    t.equal(query.get('action'), 'get_system_info');
    t.equal(query.get('subcat'), 'get_system_info', 'sends subcat too');
    t.equal(query.get('key'), SECRET_KEY);
  });

  for (const containers of ['object', 'array'] as const) {
    t.test(`${style} style, ${containers} containers: customers in batches, tariffs and groups`, async (t) => {
      const server = await fake(t, { style, containers, customers: 250 });
      const us = client(t, { apiUrl: server.url, batchSize: 100 });
      const ids = await us.getCustomerIds();
      const customers = await us.getCustomers(ids);
      t.same(
        customers.map((c) => c.id),
        ids,
        'every customer, in the order asked',
      );
      t.same(customers[6], fakeCustomer(7, containers), 'customers arrive as UserSide sent them');
      const lists = server.queries.filter((q) => q.get('action') === 'get_data').map((q) => q.get('customer_id')!.split(',').length);
      t.same(lists, [100, 100, 50], 'three list requests');
      t.same(await us.getTariffNames(), FAKE_TARIFFS);
      t.same(await us.getGroupNames(), FAKE_GROUPS);
    });
  }
}

t.test('customer batches come one at a time, in order', async (t) => {
  const server = await fake(t, { customers: 35 });
  const us = client(t, { apiUrl: server.url, batchSize: 10, concurrency: 3 });
  const sizes: number[] = [];
  const seen: unknown[] = [];
  for await (const batch of us.customerBatches(await us.getCustomerIds())) {
    sizes.push(batch.length);
    seen.push(...batch.map((c) => c.id));
  }
  t.same(sizes, [10, 10, 10, 5]);
  t.same(seen, Array.from({ length: 35 }, (_, i) => i + 1));
});

t.test('ids UserSide no longer knows are left out', async (t) => {
  const server = await fake(t, { customers: 5 });
  const us = client(t, { apiUrl: server.url });
  t.same(
    (await us.getCustomers([1, 4, 99, 5])).map((c) => c.id),
    [1, 4, 5],
  );
  t.same(await us.getCustomers([]), []);
});

t.test('batch refused with an ERROR: falls back to one id a request, and remembers', async (t) => {
  const server = await fake(t, { customers: 25, batch: false, style: 'old' });
  const us = client(t, { apiUrl: server.url, batchSize: 10, concurrency: 1 });
  const customers = await us.getCustomers(await us.getCustomerIds());
  t.same(
    customers.map((c) => c.id),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  const listRequests = server.queries.filter((q) => q.get('customer_id')?.includes(','));
  t.equal(listRequests.length, 1, 'asked for a list only once');
  t.equal(server.requests, 1 + 1 + 25, 'ids, the refused list, then one request per customer');
});

t.test('batch fallback keeps every customer with concurrency', async (t) => {
  const server = await fake(t, { customers: 230, batch: false });
  const us = client(t, { apiUrl: server.url, batchSize: 50, concurrency: 4 });
  const customers = await us.getCustomers(await us.getCustomerIds());
  t.equal(customers.length, 230);
  t.same(
    customers.map((c) => c.id),
    Array.from({ length: 230 }, (_, i) => i + 1),
  );
});

t.test('a server that reads "1,2,3" as 1 is treated as refusing batches', async (t) => {
  const url = await rawServer(t, (req, res) => {
    const first = Number(new URL(req.url!, 'http://x').searchParams.get('customer_id')!.split(',')[0]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ result: 'OK', data: fakeCustomer(first) }));
  });
  const us = client(t, { apiUrl: url, batchSize: 3 });
  t.same(
    (await us.getCustomers([1, 2, 3, 4])).map((c) => c.id),
    [1, 2, 3, 4],
  );
});

t.test('customers keyed by id without an id of their own get it from the key', async (t) => {
  const url = await rawServer(t, json({ result: 'OK', data: { '8': { login: 'a' }, '9': { login: 'b' }, x: { login: 'c' } } }));
  t.same(await client(t, { apiUrl: url }).getCustomers([8, 9]), [
    { login: 'a', id: 8 },
    { login: 'b', id: 9 },
  ]);
});

t.test('get_data refused for every single id is an error, not an empty base', async (t) => {
  const url = await rawServer(t, json({ result: 'ERROR', error: 'Access to module denied' }));
  const us = client(t, { apiUrl: url, batchSize: 3 });
  await expectFailure(t, us.getCustomers([1, 2, 3]), 'not-userside', /Access to module denied/);
});

t.test('ids as a comma-separated string under data, and as an id-keyed object', async (t) => {
  for (const data of ['4, 5,6', { '4': 4, '5': 5, '6': 6 }, { '4': { id: 4 }, '5': { id: 5 }, '6': { id: 6 } }, ['4', 5, 6]]) {
    const url = await rawServer(t, json({ Result: 'OK', data }));
    t.same(await client(t, { apiUrl: url }).getCustomerIds(), [4, 5, 6], JSON.stringify(data));
  }
  const empty = await rawServer(t, json({ result: 'OK', data: '' }));
  t.same(await client(t, { apiUrl: empty }).getCustomerIds(), []);
  const odd = await rawServer(t, json({ result: 'OK', data: [1, 'two'] }));
  await expectFailure(t, client(t, { apiUrl: odd }).getCustomerIds(), 'not-userside', /unexpected shape/);
});

t.test('unreachable: name not resolved', async (t) => {
  const us = client(t, { apiUrl: 'http://billing.invalid/api.php' });
  await expectFailure(t, us.getSystemInfo(), 'unreachable', /^UserSide: name not resolved \(billing\.invalid\)$/);
});

t.test('unreachable: connection refused', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const us = client(t, { apiUrl: `http://127.0.0.1:${port}/api.php` });
  await expectFailure(t, us.getSystemInfo(), 'unreachable', new RegExp(`^UserSide: connection refused \\(127\\.0\\.0\\.1:${port}\\)$`));
});

t.test('timeout while waiting for the answer', async (t) => {
  const server = await fake(t, { latencyMs: 5_000 });
  const us = client(t, { apiUrl: server.url, timeoutMs: 200 });
  await expectFailure(t, us.getSystemInfo(), 'timeout', /^UserSide: timed out after 0\.2 s$/);
});

t.test('timeout while the body trickles in', async (t) => {
  const url = await rawServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"result":"OK",');
  });
  const us = client(t, { apiUrl: url, timeoutMs: 300 });
  await expectFailure(t, us.getSystemInfo(), 'timeout', /timed out after 0\.3 s/);
});

t.test('TLS: https:// to a plain HTTP server', async (t) => {
  const server = await fake(t);
  const us = client(t, { apiUrl: server.url.replace('http://', 'https://') });
  await expectFailure(t, us.getSystemInfo(), 'tls', /^UserSide: TLS error \(.*http:\/\/ rather than https:\/\//);
});

// A self-signed certificate for 127.0.0.1, valid until 2126.
const SELF_SIGNED = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHyEVbj5fnshF6/5q
8S5UTaLjv0fQjiJNtyAl906/yZehRANCAASemrn77UieBP3MTubXqg8w+EzFY9RV
4iChsGF0T1GLynQPiGu41B5qncYQoKvJ6EfJv+B05SGc8XzzKCbnc9/n
-----END PRIVATE KEY-----`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIULzPmlbhmnxGC2/9dwHj0QmXZbZEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMzIxNDA0NVoYDzIxMjYxMTA5
MjE0MDQ1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASemrn77UieBP3MTubXqg8w+EzFY9RV4iChsGF0T1GLynQPiGu41B5q
ncYQoKvJ6EfJv+B05SGc8XzzKCbnc9/no28wbTAdBgNVHQ4EFgQUSItiaglpsfZK
xkmA+uA4ZLG3VHgwHwYDVR0jBBgwFoAUSItiaglpsfZKxkmA+uA4ZLG3VHgwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgV6QiBTeuR5Sus4a8d9DXmLQeF8g7sTC5Ioiiwd0TkZICIFOy
fy/FCNmLO8eigeuneCZOsaQi1aBEy0Mfybkah+Kw
-----END CERTIFICATE-----`,
};

t.test('TLS: a self-signed certificate', async (t) => {
  const server = createTlsServer(SELF_SIGNED, json({ result: 'OK', data: {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const us = client(t, { apiUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}/api.php` });
  await expectFailure(t, us.getSystemInfo(), 'tls', /^UserSide: TLS error \(the certificate (is self-signed|is not valid yet)\)$/);
});

t.test('HTTP 500', async (t) => {
  const server = await fake(t, { failAfter: 1 });
  const us = client(t, { apiUrl: server.url });
  await us.getSystemInfo();
  const err = await expectFailure(t, us.getCustomerIds(), 'http', /^UserSide: HTTP 500 Internal Server Error$/);
  t.equal(err?.status, 500);
});

t.test('HTTP 404 suggests checking the address', async (t) => {
  const url = await rawServer(t, (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<p>The requested URL /api.php?key=S3cr3t-Key was not found</p>');
  });
  await expectFailure(t, client(t, { apiUrl: url }).getSystemInfo(), 'http', /^UserSide: HTTP 404 Not Found; check the address$/);
});

t.test('a connection dropped before the answer is tried once more', async (t) => {
  let seen = 0;
  const url = await rawServer(t, (req, res) => {
    if (++seen === 1) return req.socket.destroy();
    json({ result: 'OK', data: { userside_version: '3.18' } })(req, res);
  });
  t.equal((await client(t, { apiUrl: url }).getSystemInfo()).version, '3.18');
  t.equal(seen, 2);

  const alwaysDropped = await rawServer(t, (req) => req.socket.destroy());
  await expectFailure(t, client(t, { apiUrl: alwaysDropped }).getSystemInfo(), 'unreachable', /connection was closed before an answer \(127\.0\.0\.1:\d+\)/);
});

t.test('HTTP error with a UserSide error body carries the text', async (t) => {
  const url = await rawServer(t, json({ result: 'ERROR', error: 'Maintenance' }, 503));
  await expectFailure(t, client(t, { apiUrl: url }).getSystemInfo(), 'http', /HTTP 503 Service Unavailable \(server says: Maintenance\)/);
});

t.test('a redirect names where to, without the query', async (t) => {
  const url = await rawServer(t, (req, res) => {
    res.writeHead(301, { location: `https://billing.example.net${req.url}` });
    res.end();
  });
  await expectFailure(
    t,
    client(t, { apiUrl: url }).getSystemInfo(),
    'http',
    /HTTP 301 Moved Permanently; the server redirects to https:\/\/billing\.example\.net\/api\.php, use that address/,
  );
});

for (const style of ['new', 'old'] as const) {
  t.test(`key rejected (${style} style)`, async (t) => {
    const server = await fake(t, { style, apiKey: 'the-right-key' });
    const us = client(t, { apiUrl: server.url });
    await expectFailure(t, us.getSystemInfo(), 'key-rejected', /^UserSide: the API key was rejected \(server says: Wrong key\)$/);
  });
}

for (const status of [401, 403]) {
  t.test(`key rejected: HTTP ${status}`, async (t) => {
    const url = await rawServer(t, (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<h1>Forbidden</h1>');
    });
    const err = await expectFailure(t, client(t, { apiUrl: url }).getSystemInfo(), 'key-rejected', new RegExp(`HTTP ${status}`));
    t.equal(err?.status, status);
  });
}

t.test('a server echoing the key never gets it into the message', async (t) => {
  const url = await rawServer(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const echoed = new URL(req.url!, 'http://x').searchParams.get('key');
    res.end(JSON.stringify({ result: 'ERROR', error: `No module for ${echoed} (${encodeURIComponent(SECRET_KEY)})` }));
  });
  const err = await expectFailure(t, client(t, { apiUrl: url }).getSystemInfo(), 'not-userside', /No module for \*\*\* \(\*\*\*\)/);
  t.notOk(err?.serverError?.includes(SECRET_KEY), 'not in serverError either');
});

t.test('not a UserSide API', async (t) => {
  const cases: [string, RequestListener, RegExp][] = [
    [
      'an HTML page',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>Welcome to nginx</title>');
      },
      /answered with an HTML page, not the UserSide API/,
    ],
    [
      'plain text',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello');
      },
      /not JSON/,
    ],
    ['an empty body', (_req, res) => res.end(), /empty answer/],
    ['JSON of another shape', json({ hello: 'world' }), /not a UserSide API answer/],
    ['a JSON array', json([1, 2]), /not a UserSide API answer/],
    ['an ERROR result', json({ Result: 'ERROR', ErrorText: 'Unknown action' }), /the server answered with an error: Unknown action/],
  ];
  for (const [name, listener, message] of cases) {
    const url = await rawServer(t, listener);
    await t.test(name, async (t) => {
      await expectFailure(t, client(t, { apiUrl: url }).getSystemInfo(), 'not-userside', message);
    });
  }
});

t.test('malformed JSON', async (t) => {
  const server = await fake(t, { malformedJson: true });
  await expectFailure(t, client(t, { apiUrl: server.url }).getSystemInfo(), 'not-userside', /not JSON/);
});

t.test('connection closed in the middle of the answer', async (t) => {
  const server = await fake(t, { closeMidAnswer: true, customers: 50 });
  const us = client(t, { apiUrl: server.url });
  await expectFailure(t, us.getCustomers([1, 2, 3]), 'not-userside', /cut off/);
});

t.test('a body over the cap', async (t) => {
  const server = await fake(t, { hugeBodyBytes: 3 * 1024 * 1024 });
  const us = client(t, { apiUrl: server.url, maxBodyBytes: 1024 * 1024 });
  await expectFailure(t, us.getSystemInfo(), 'not-userside', /larger than 1 MB/);
  t.test('announced by Content-Length', async (t) => {
    const url = await rawServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 });
      res.end(Buffer.alloc(2 * 1024 * 1024, ' '));
    });
    await expectFailure(t, client(t, { apiUrl: url, maxBodyBytes: 1024 * 1024 }).getSystemInfo(), 'not-userside', /larger than 1 MB/);
  });
  t.test('the default cap is 64 MB', async (t) => {
    const huge = await fake(t, { hugeBodyBytes: 65 * 1024 * 1024 });
    await expectFailure(t, client(t, { apiUrl: huge.url }).getSystemInfo(), 'not-userside', /larger than 64 MB/);
  });
});

t.test('close() cancels requests in flight and refuses new ones', async (t) => {
  const server = await fake(t, { latencyMs: 5_000 });
  const us = createUserSideClient({ apiUrl: server.url, apiKey: SECRET_KEY });
  const pending = t.rejects(us.getSystemInfo(), { name: 'AbortError', message: /client was closed/ });
  while (server.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await us.close();
  await pending;
  await t.rejects(us.getSystemInfo(), { name: 'AbortError' });
});

t.test('never more requests in flight than the concurrency', async (t) => {
  let inFlight = 0;
  let most = 0;
  const url = await rawServer(t, (req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      const id = Number(new URL(req.url!, 'http://x').searchParams.get('customer_id'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(id ? { result: 'OK', data: fakeCustomer(id) } : { result: 'ERROR', error: 'Wrong customer_id' }));
    }, 5);
  });
  const us = client(t, { apiUrl: url, concurrency: 3, batchSize: 10 });
  const customers = await us.getCustomers(Array.from({ length: 40 }, (_, i) => i + 1));
  t.equal(customers.length, 40);
  t.ok(most <= 3, `at most 3 at once (saw ${most})`);
});

t.test('a 5xx with an ERROR body is a server in trouble, never "no such customer"', async (t) => {
  const url = await rawServer(t, (req, res) => {
    const ids = new URL(req.url!, 'http://x').searchParams.get('customer_id') ?? '';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (ids.includes(',')) return send(200, { result: 'ERROR', error: 'Wrong customer_id' });
    if (ids === '7') return send(503, { result: 'ERROR', error: 'Database is busy' });
    send(200, { result: 'OK', data: { id: Number(ids), login: `user${ids}` } });
  });
  const us = client(t, { apiUrl: url });
  await expectFailure(t, us.getCustomers(Array.from({ length: 100 }, (_, i) => i + 1)), 'http', /HTTP 503 Service Unavailable \(server says: Database is busy\)/);
});
