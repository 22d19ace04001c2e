import fc from 'fast-check';
import t from 'tap';
import zlib from 'node:zlib';
import { crc32 } from '../../src/apikeys/crc32.js';
import { apiKeyDigest, apiKeyDisplayPrefix, generateApiKey, hasValidKeyChecksum } from '../../src/apikeys/key-format.js';

t.test('a key is epk_ + 32 base62 characters + 6 base62 characters of checksum', async (t) => {
  const keys = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const key = generateApiKey();
    t.match(key, /^epk_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
    t.ok(hasValidKeyChecksum(key), key);
    keys.add(key);
  }
  t.equal(keys.size, 200, 'no two keys alike');
});

t.test('the random part uses the whole base62 alphabet', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) for (const c of generateApiKey().slice(4, 36)) seen.add(c);
  t.equal(seen.size, 62);
});

t.test('CRC-32 matches zlib (where this Node has zlib.crc32) and the standard check value', async (t) => {
  t.equal(crc32('123456789'), 0xcbf43926, 'the CRC-32 check value');
  t.equal(crc32(''), 0);
  const zlibCrc32 = (zlib as unknown as { crc32?: (data: string) => number }).crc32;
  if (typeof zlibCrc32 !== 'function') return t.comment('zlib.crc32 needs Node 20.15');
  fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => crc32(text) === zlibCrc32(text)));
});

t.test('the checksum catches any single changed character and malformed text', async (t) => {
  const key = generateApiKey();
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  fc.assert(fc.property(fc.integer({ min: 4, max: key.length - 1 }), fc.constantFrom(...alphabet), (at, c) => {
    const changed = key.slice(0, at) + c + key.slice(at + 1);
    return changed === key || !hasValidKeyChecksum(changed);
  }));
  for (const bad of ['', 'epk_', key.slice(0, -1), key + 'a', key.replace('epk_', 'epx_'), key.replace('epk_', 'EPK_'), ` ${key}`, key.slice(0, 10) + '-' + key.slice(11)]) {
    t.notOk(hasValidKeyChecksum(bad), JSON.stringify(bad));
  }
});

t.test('only the digest and the first 8 characters are derived for storage', async (t) => {
  const key = generateApiKey();
  t.match(apiKeyDigest(key), /^[0-9a-f]{64}$/);
  t.not(apiKeyDigest(key), apiKeyDigest(generateApiKey()));
  t.equal(apiKeyDisplayPrefix(key), key.slice(0, 8));
  t.match(apiKeyDisplayPrefix(key), /^epk_.{4}$/);
});
