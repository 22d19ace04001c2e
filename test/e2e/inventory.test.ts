import t from 'tap';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.js';
import { launchBrowser, listen, signInWithPassword, collectPageErrors } from '../helpers/browser.js';

t.test('a user adds an OLT, imports a small CSV, searches and opens an ONU page', async (t) => {
  const app = await buildTestApp(t);
  const baseUrl = await listen(app);
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const errors = collectPageErrors(page, { allowFailedLoads: true });
  await signInWithPassword(page, baseUrl, 'admin', ADMIN_PASSWORD);

  // Add an OLT; a first try without a model is refused in place by htmx.
  await page.getByRole('link', { name: 'OLT', exact: true }).click();
  await page.getByRole('heading', { name: 'OLT', level: 1 }).waitFor();
  await page.getByLabel('Name').fill('OLT-Central');
  await page.getByLabel('Host').fill('10.10.0.2');
  await page.getByRole('button', { name: 'Add OLT' }).click();
  await page.getByText('Choose one of the supported models').waitFor();
  t.equal(await page.getByLabel('Name').inputValue(), 'OLT-Central', 'the typed name is kept');
  await page.getByLabel('Model').selectOption('ZTE C320');
  await page.getByRole('button', { name: 'Add OLT' }).click();
  await page.getByText('OLT "OLT-Central" added.').waitFor();
  t.ok(await page.getByRole('cell', { name: 'OLT-Central' }).isVisible());

  // Import: a bad file first (nothing written, the line named), then a good one.
  await page.goto(`${baseUrl}/onus/import`);
  const csv = (rows: string[]) => ({ name: 'onus.csv', mimeType: 'text/csv', buffer: Buffer.from(['olt;shelf;slot;port;number;name;mac;sn', ...rows].join('\r\n')) });
  await page.getByLabel('CSV file').setInputFiles(csv(['OLT-Central;0;1;1;1;Flat 1;c6:e9:6a:d7:00:01;', 'OLT-Nowhere;0;1;1;2;Flat 2;;ZTEG00000002']));
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText('Line 3').waitFor();
  t.ok(await page.getByText('unknown OLT "OLT-Nowhere"').isVisible());
  t.ok(await page.getByText('Nothing was imported').isVisible());
  await page.getByLabel('CSV file').setInputFiles(csv(['OLT-Central;0;1;1;1;Flat 1;c6:e9:6a:d7:00:01;', 'olt-central;0;1;1;2;Flat 2;;ZTEG00000002', 'OLT-Central;0;1;1;3;Office;00-11-22-33-44-55;']));
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForURL(`${baseUrl}/onus`);
  await page.getByText('Imported 3 ONUs from "onus.csv".').waitFor();
  t.equal(await page.locator('#onu-table tbody tr').count(), 3);

  // Live search: typing narrows the table without a reload.
  const searched = page.waitForResponse((r) => r.url().includes('/onus?search=c6%3Ae9'));
  await page.getByLabel('Search').fill('c6:e9');
  await searched;
  await page.waitForFunction(() => document.querySelectorAll('#onu-table tbody tr').length === 1);
  t.ok(await page.getByRole('link', { name: 'Flat 1' }).isVisible());
  t.match(page.url(), '/onus?search=c6%3Ae9', 'the address follows the search');

  // The ONU page.
  await page.getByRole('link', { name: 'Flat 1' }).click();
  await page.getByRole('heading', { name: 'c6:e9:6a:d7:00:01', level: 1 }).waitFor();
  t.ok(await page.getByText('OLT-Central · position 0/1/1:1').isVisible());
  t.ok(await page.getByRole('heading', { name: 'Information' }).isVisible());
  t.equal(await page.locator('#onu-information dt').allTextContents().then((l) => l.join('|')), 'Name|ID|MAC/SN|OLT|Date created|Description');

  t.same(errors, [], 'no script errors');
});
