import t from 'tap';
import { buildTestApp, TestClient } from '../helpers/app.js';
import { setExternalApi } from '../helpers/api-keys.js';

interface Operation {
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { example?: unknown; schema?: unknown }> }>;
}

t.test('the OpenAPI 3.1 document describes every route, its security and an example', async (t) => {
  const app = await buildTestApp(t);
  await setExternalApi(await new TestClient(app).signIn(), true);
  const response = await app.inject('/api/v1/openapi.json');
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], 'application/json');
  const spec = response.json();
  t.equal(spec.openapi, '3.1.0');
  t.same(spec.components.securitySchemes, {
    bearerAuth: { type: 'http', scheme: 'bearer', description: 'An EasyPON API key (epk_...) as a bearer token' },
    apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An EasyPON API key (epk_...)' },
  });
  t.same(spec.security, [{ bearerAuth: [] }, { apiKeyHeader: [] }]);

  const expected = {
    '/api/v1/onus': ['get', 'post'],
    '/api/v1/onus/{id}': ['get', 'patch', 'delete'],
    '/api/v1/olts': ['get', 'post'],
    '/api/v1/userside/runs': ['get', 'post'],
  };
  t.same(Object.keys(spec.paths).sort(), Object.keys(expected).sort(), 'only the API routes, no docs or HTML routes');
  for (const [path, methods] of Object.entries(expected)) {
    t.same(Object.keys(spec.paths[path]).sort(), [...methods].sort(), path);
    for (const method of methods) {
      const operation = spec.paths[path][method] as Operation;
      const name = `${method.toUpperCase()} ${path}`;
      t.ok(operation.summary && operation.description, `${name} is described`);
      t.ok(operation.responses['401'], `${name} documents 401`);
      t.ok(operation.responses['429'], `${name} documents 429`);
      if (method !== 'get') t.ok(operation.responses['403'], `${name} documents 403`);
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))!;
      t.not(success[1].description, 'Default Response', `${name} describes its answer`);
      if (success[0] !== '204') t.ok(success[1].content?.['application/json']?.example, `${name} has an answer example`);
      if (operation.requestBody) t.ok(operation.requestBody.content['application/json']?.example, `${name} has a body example`);
    }
  }
  const onu = spec.paths['/api/v1/onus/{id}'].get.responses['200'].content['application/json'];
  t.same(Object.keys(onu.example).sort(), Object.keys(onu.schema.properties).sort(), 'the ONU example has every field of the schema');
});

t.test('/api/docs: Swagger UI with its own CSP; the rest of the app keeps the strict one', async (t) => {
  const app = await buildTestApp(t);
  await setExternalApi(await new TestClient(app).signIn(), true);
  const docs = await app.inject('/api/docs');
  t.equal(docs.statusCode, 200);
  t.match(docs.body, 'swagger-ui-bundle.js');
  t.match(docs.headers['content-security-policy'], "style-src 'self' 'unsafe-inline'");
  t.match(docs.headers['content-security-policy'], "script-src 'self';");
  t.match(docs.headers['content-security-policy'], "frame-ancestors 'none'");
  const spec = await app.inject('/api/docs/json');
  t.equal(spec.json().openapi, '3.1.0', 'the UI reads the same document');

  for (const url of ['/login', '/api/v1/onus', '/api/v1/openapi.json']) {
    const other = await app.inject(url);
    t.notMatch(other.headers['content-security-policy'], 'unsafe-inline', url);
    t.match(other.headers['content-security-policy'], "style-src 'self'", url);
  }
});
