import t from 'tap';
import { seedDemoInventory } from '../../scripts/seed-demo.js';
import { startFakeUserSide } from '../fakes/userside.js';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.js';
import { launchBrowser, listen, signInWithPassword, collectPageErrors } from '../helpers/browser.js';

t.test('an admin configures UserSide, tests the connection, imports, watches the progress and sees the customer on an ONU', async (t) => {
  const fake = await startFakeUserSide({ customers: 200, latencyMs: 20 });
  t.teardown(() => fake.close());
  // Small batches one at a time, so the import lasts long enough to be watched.
  const app = await buildTestApp(t, { userSide: { client: { batchSize: 10, concurrency: 1 } } });
  seedDemoInventory(app.db, 150);
  const baseUrl = await listen(app);
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const errors = collectPageErrors(page, { allowFailedLoads: true });
  await signInWithPassword(page, baseUrl, 'admin', ADMIN_PASSWORD);

  await page.goto(`${baseUrl}/settings/integration`);
  const card = page.locator('#card-userside');
  await card.getByLabel('Turn on UserSide integration?').check();
  await card.getByText('On, but not configured yet').waitFor();

  await card.getByLabel('Domain (API URL)').fill(fake.url.replace('/api.php', ''));
  await card.getByLabel('API key', { exact: true }).fill(fake.apiKey);
  await card.getByRole('button', { name: 'Test connection' }).click();
  await card.getByText('Connected: UserSide 3.18.5, 200 customers').waitFor();
  t.equal(await card.getByLabel('API key', { exact: true }).inputValue(), fake.apiKey, 'the test kept the form as typed (htmx)');

  await card.getByLabel('Contacts').check();
  await card.getByLabel('Contract ID').uncheck();
  await card.getByLabel('ONU serial number field').fill('7');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByText('UserSide integration settings saved').waitFor();
  t.notOk(await card.getByText('On, but not configured yet').isVisible(), 'the head follows the save');
  t.equal(await card.getByLabel('Domain (API URL)').inputValue(), fake.url);
  t.equal(await card.getByLabel('API key', { exact: true }).inputValue(), '', 'the key is not sent back');

  await card.getByRole('button', { name: 'Import now' }).click();
  await card.getByText(/Customers fetched: \d+ of (…|200) · ONUs linked: \d+/).waitFor();
  t.ok(await card.locator('progress').isVisible(), 'a progress bar while it runs');
  await card.locator('tr.run-succeeded').waitFor({ timeout: 30_000 });
  t.notOk(await card.locator('progress').isVisible(), 'the progress bar is gone when done');
  t.equal(await card.locator('tr.run-succeeded td').nth(5).textContent(), '200');
  t.equal(await card.locator('tr.run-succeeded td').nth(6).textContent(), '150', '150 ONUs linked');
  t.equal(await card.locator('tr.run-succeeded td').nth(9).textContent(), '50', '50 customers without an ONU');

  await page.goto(`${baseUrl}/onus`);
  await page.getByLabel('Search').fill('user42');
  await page.waitForFunction(() => document.querySelectorAll('#onu-table tbody tr').length === 1);
  t.ok(await page.getByRole('cell', { name: 'Customer 42' }).isVisible(), 'the list shows the customer');
  await page.getByRole('link', { name: 'Subscriber 42' }).click();
  await page.getByRole('heading', { name: 'UserSide' }).waitFor();
  const block = page.locator('#onu-userside');
  t.same(await block.locator('dt').allTextContents(), ['User Name', 'User Login', 'Contacts', 'User Address', 'Status', 'Balance', 'Tariff']);
  t.same(await block.locator('dd').allTextContents(), ['Customer 42', 'user42', '+16660000042, +15550000042, user42@example.net', 'Main St 43, apt 42, entrance 3, floor 7', 'Stopped', '134.42', 'Home 100']);
  t.match(await block.textContent(), /synced at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

  t.same(errors, [], 'no script errors');
});
