import t from 'tap';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.js';
import { launchBrowser, listen, signInWithPassword, collectPageErrors } from '../helpers/browser.js';

t.test('an admin signs in and flips a switch in place with htmx', async (t) => {
  const app = await buildTestApp(t);
  const baseUrl = await listen(app);
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const errors = collectPageErrors(page);

  await signInWithPassword(page, baseUrl, 'admin', ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Integration' }).click();
  await page.getByRole('heading', { name: 'Integration', level: 1 }).waitFor();
  t.ok(await page.getByText('Available integrations list').isVisible());

  const apiSwitch = page.getByLabel('Turn on External API?');
  t.equal(await apiSwitch.isChecked(), false);
  const answered = page.waitForResponse((r) => r.url().endsWith('/settings/integration/apikeys/switch'));
  await apiSwitch.check();
  t.equal((await answered).status(), 200, 'saved by htmx, no reload');
  await page.getByLabel('Turn on External API?').waitFor();
  t.equal(await page.getByLabel('Turn on External API?').isChecked(), true);

  await page.reload();
  t.equal(await page.getByLabel('Turn on External API?').isChecked(), true, 'still on after a reload');

  // The card collapses, the switch stays usable.
  await page.locator('#card-apikeys summary').click();
  t.equal(await page.locator('#card-apikeys details').getAttribute('open'), null, 'collapsed');
  const off = page.waitForResponse((r) => r.url().endsWith('/settings/integration/apikeys/switch'));
  await page.getByLabel('Turn on External API?').uncheck();
  await off;
  await page.reload();
  t.equal(await page.getByLabel('Turn on External API?').isChecked(), false);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  t.same(errors, [], 'no console errors (CSP included)');
});
