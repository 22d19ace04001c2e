import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeArgsFor } from './helpers/child-node.js';

t.test('the server starts, serves, and stops cleanly on SIGTERM', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-server-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, nodeArgsFor('src/server.ts'), {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD: 'password-123', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error('exited early: ' + output)));
  });
  const health = await fetch(`${url}/healthz`);
  t.equal(health.status, 200);
  t.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600, 'secret key file is 0600');
  t.equal(statSync(path.join(dataDir, 'easypon.db')).mode & 0o777, 0o600, 'database file is 0600');
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.equal(await exit, 0);
  t.match(output, 'SIGTERM: finishing requests in flight, then stopping');
});
