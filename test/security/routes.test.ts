import t from 'tap';
import type { RouteOptions } from 'fastify';
import { buildTestApp, clientWithRole, TestClient } from '../helpers/app.js';

// Every route of the app, as registered: the checks below cover routes added later without listing them.
async function appWithRouteList(t: Parameters<typeof buildTestApp>[0]) {
  const routes: { method: string; url: string; access: string }[] = [];
  const onRoute = (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, access: (route.config as { access?: string } | undefined)?.access ?? 'signed-in' });
    }
  };
  const app = await buildTestApp(t, { onRoute });
  await app.ready();
  return { app, routes };
}

const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'x');
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

t.test('every state-changing page route refuses a request without a valid CSRF token', async (t) => {
  const { app, routes } = await appWithRouteList(t);
  const admin = await new TestClient(app).signIn();
  const forms = routes.filter((r) => STATE_CHANGING.has(r.method) && !r.url.startsWith('/api/'));
  t.ok(forms.length >= 8, `${forms.length} form routes checked`);
  for (const route of forms) {
    for (const token of ['', 'forged']) {
      const r = await admin.request({
        method: route.method as 'POST', url: concrete(route.url),
        payload: `_csrf=${token}&name=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      t.equal(r.statusCode, 403, `${route.method} ${route.url} with token "${token}"`);
    }
  }
});

t.test('every admin route refuses an operator', async (t) => {
  const { app, routes } = await appWithRouteList(t);
  const operator = await clientWithRole(app, 'operator');
  await operator.get('/');
  const adminRoutes = routes.filter((r) => r.access === 'admin');
  t.ok(adminRoutes.length >= 8, `${adminRoutes.length} admin routes checked`);
  for (const route of adminRoutes) {
    const r = route.method === 'GET' || route.method === 'HEAD'
      ? await operator.request({ method: route.method as 'GET', url: concrete(route.url) })
      : await operator.post(concrete(route.url), { name: 'x' });
    t.equal(r.statusCode, 403, `${route.method} ${route.url}`);
  }
});

t.test('every signed-in route sends an anonymous visitor to sign in', async (t) => {
  const { app, routes } = await appWithRouteList(t);
  const pages = routes.filter((r) => r.method === 'GET' && r.access !== 'public' && !r.url.startsWith('/api') && !r.url.startsWith('/assets') && !r.url.startsWith('/vendor'));
  for (const route of pages) {
    const r = await app.inject({ url: concrete(route.url) });
    t.equal(r.statusCode, 302, `GET ${route.url}`);
    t.match(String(r.headers.location), /^\/login/);
  }
});
