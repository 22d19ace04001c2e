import t from 'tap';
import { buildTestApp, TestClient } from './helpers/app.js';

t.test('admin signs in and sees the integration page', async (t) => {
  const app = await buildTestApp(t);
  const c = await new TestClient(app).signIn();
  const page = await c.get('/settings/integration');
  t.equal(page.statusCode, 200, page.body);
  t.match(page.body, 'Available integrations list');
});
