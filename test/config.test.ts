import t from 'tap';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../src/config.js';
import { nodeArgsFor } from './helpers/child-node.js';

t.test('defaults of product.md', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 3000);
  t.equal(c.host, '127.0.0.1');
  t.equal(c.publicUrl.href, 'http://localhost:3000/');
  t.equal(loadConfig({ PORT: '8080' }).publicUrl.href, 'http://localhost:8080/', 'PUBLIC_URL follows PORT unless set');
  t.same(c.trustProxy, []);
  t.equal(c.googleIssuerUrl.origin, 'https://accounts.google.com');
  t.equal(c.logLevel, 'info');
  t.match(c.dataDir, /\/data$/);
});

t.test('a bad value names the variable', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT/],
    [{ PUBLIC_URL: 'not-a-url' }, /^PUBLIC_URL must be an absolute http or https URL/],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL must use http or https/],
    [{ PUBLIC_URL: 'https://u:p@x' }, /^PUBLIC_URL must not contain credentials/],
    [{ TRUST_PROXY: 'garbage' }, /^TRUST_PROXY must be a comma-separated list/],
    [{ TRUST_PROXY: '10.0.0.0/40' }, /^TRUST_PROXY/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ ADMIN_PASSWORD: 'short' }, /^ADMIN_PASSWORD must be at least 8/],
    [{ HOST: 'bad host!' }, /^HOST/],
    [{ DATA_DIR: ' ' }, /^DATA_DIR/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), message, JSON.stringify(env));
    try { loadConfig(env); } catch (error) { t.ok(error instanceof ConfigError, 'a ConfigError'); }
  }
  t.same(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
});

t.test('the server stops on a bad value with one line and no stack trace', async (t) => {
  const result = spawnSync(process.execPath, nodeArgsFor('src/server.ts'), {
    env: { ...process.env, PORT: 'abc' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(result.status, 1);
  t.equal(result.stderr.trim(), 'Configuration error: PORT must be a whole number from 0 to 65535, got "abc"');
});
