import t from 'tap';
import { loadConfig } from '../../src/config.js';

t.test('GOOGLE_ISSUER_URL must be https, or plain http only on loopback', async (t) => {
  t.equal(loadConfig({}).googleIssuerUrl.origin, 'https://accounts.google.com');
  t.equal(loadConfig({ GOOGLE_ISSUER_URL: 'https://id.example.net' }).googleIssuerUrl.origin, 'https://id.example.net');
  t.equal(loadConfig({ GOOGLE_ISSUER_URL: 'http://127.0.0.1:8080' }).googleIssuerUrl.port, '8080');
  t.equal(loadConfig({ GOOGLE_ISSUER_URL: 'http://localhost:8080' }).googleIssuerUrl.hostname, 'localhost');
  t.throws(() => loadConfig({ GOOGLE_ISSUER_URL: 'http://id.example.net' }), /GOOGLE_ISSUER_URL must use https/);
  t.throws(() => loadConfig({ GOOGLE_ISSUER_URL: 'ftp://id.example.net' }), /GOOGLE_ISSUER_URL must use http or https/);
  t.throws(() => loadConfig({ GOOGLE_ISSUER_URL: 'not a url' }), /GOOGLE_ISSUER_URL/);
});
