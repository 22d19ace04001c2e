import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupDatabase } from '../scripts/backup.js';
import { buildTestApp, TestClient } from './helpers/app.js';

t.test('a backup taken while the app serves restores and signs in', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-live-'));
  const restoreDir = mkdtempSync(path.join(tmpdir(), 'easypon-restore-'));
  t.teardown(() => { rmSync(dataDir, { recursive: true, force: true }); rmSync(restoreDir, { recursive: true, force: true }); });
  const live = await buildTestApp(t, { dataDir });
  const admin = await new TestClient(live).signIn();
  await admin.get('/users');
  await admin.post('/users', { username: 'kept', role: 'operator', password: 'password-123' });

  const [pages] = await Promise.all([
    backupDatabase(dataDir, path.join(restoreDir, 'easypon.db')),
    admin.get('/events'),
  ]);
  t.ok(pages > 0);
  copyFileSync(path.join(dataDir, 'secret.key'), path.join(restoreDir, 'secret.key'));
  await live.close();

  const restored = await buildTestApp(t, { dataDir: restoreDir });
  t.equal((restored.db.$client.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check, 'ok');
  await new TestClient(restored).signIn('kept', 'password-123');
});

t.test('a missing database is a clear error', async (t) => {
  const empty = mkdtempSync(path.join(tmpdir(), 'easypon-empty-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  await t.rejects(backupDatabase(empty, path.join(empty, 'x.db')), /No database at/);
});
