import t from 'tap';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.js';
import { launchBrowser, listen, signInWithPassword, collectPageErrors } from '../helpers/browser.js';

t.test('an admin generates a key, copies it, calls the API with it and deletes it', async (t) => {
  const app = await buildTestApp(t);
  const baseUrl = await listen(app);
  const browser = await launchBrowser(t);
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  page.on('dialog', (dialog) => void dialog.accept());

  await signInWithPassword(page, baseUrl, 'admin', ADMIN_PASSWORD);
  await page.goto(`${baseUrl}/settings/integration`);
  const card = page.locator('#card-apikeys');
  t.equal(await card.getByRole('link', { name: 'API documentation' }).count(), 0, 'no documentation link while off');
  await page.getByLabel('Turn on External API?').check();
  await card.getByRole('link', { name: 'API documentation' }).waitFor();
  await page.evaluate(() => { (window as unknown as { notReloaded: boolean }).notReloaded = true; });

  // The form opens in place.
  await card.getByRole('button', { name: 'Generate New Key' }).click();
  await card.getByLabel('Name').fill('Monitoring script');
  await card.getByRole('button', { name: 'Save' }).click();
  await card.getByText('Choose an expiry date or make the key last indefinitely').waitFor();
  t.equal(await card.getByLabel('Name').inputValue(), 'Monitoring script', 'the typed name survives the refusal');
  await card.getByLabel('Make it last indefinitely').check();
  await card.getByLabel('Read and write').check();
  await card.getByRole('button', { name: 'Save' }).click();

  await card.getByText('This key will not be shown again').waitFor();
  await page.locator('#card-apikeys-head').getByText('(1 usable key)').waitFor();
  const shown = await card.locator('#new-api-key').inputValue();
  t.match(shown, /^epk_[0-9A-Za-z]{38}$/);
  await card.getByRole('button', { name: 'Copy' }).click();
  await card.getByText('Copied').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  t.equal(copied, shown, 'the clipboard holds the key');
  t.ok(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'all of it without a reload');
  t.ok(await card.getByRole('cell', { name: 'Monitoring script', exact: true }).isVisible(), 'the list shows the new key');

  // The copied key works against the API.
  const onus = await fetch(`${baseUrl}/api/v1/onus?limit=5`, { headers: { authorization: `Bearer ${copied}` } });
  t.equal(onus.status, 200);
  t.same(await onus.json(), { items: [], nextCursor: null });
  const created = await fetch(`${baseUrl}/api/v1/olts`, {
    method: 'POST',
    headers: { 'x-api-key': copied, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'OLT-E2E', model: 'ZTE C320' }),
  });
  t.equal(created.status, 201);

  await page.reload();
  t.equal(await card.locator('#new-api-key').count(), 0, 'not shown again on reload');
  t.notOk((await page.content()).includes(shown), 'nowhere in the page');
  const row = card.getByRole('row', { name: /Monitoring script/ });
  t.match(await row.textContent(), /Read and write[\s\S]*Never[\s\S]*UTC[\s\S]*127\.0\.0\.1/, 'last activity and IP recorded');

  // The documentation renders under its own CSP.
  const docs = await context.newPage();
  const docErrors: string[] = [];
  docs.on('console', (m) => { if (m.type() === 'error') docErrors.push(m.text()); });
  await docs.goto(`${baseUrl}/api/docs`);
  await docs.getByText('EasyPON External API').first().waitFor();
  await docs.getByText('/api/v1/onus/{id}').first().waitFor();
  t.same(docErrors, [], 'Swagger UI runs without CSP violations');
  await docs.close();

  // Delete revokes at once.
  await row.getByRole('button', { name: 'Delete' }).click();
  await card.getByText('No API keys yet.').waitFor();
  const refused = await fetch(`${baseUrl}/api/v1/onus`, { headers: { authorization: `Bearer ${copied}` } });
  t.equal(refused.status, 401);
  // The browser logs every 4xx answer (the refused form's 422 among them); anything else is a fault.
  t.same(errors.filter((e) => !e.startsWith('Failed to load resource')), [], 'no script or CSP errors');
});
