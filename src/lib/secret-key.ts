import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SecretKeys {
  /** 32 bytes for @fastify/secure-session. */
  session: Buffer;
  /** 32 bytes for AES-256-GCM of integration secrets at rest. */
  encryption: Buffer;
}

/** Reads DATA_DIR/secret.key, creating it (mode 0600) on first start, and derives one key per use. */
export function loadSecretKeys(dataDir: string): SecretKeys {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'secret.key');
  let master: Buffer;
  try {
    master = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    master = randomBytes(32);
    writeFileSync(file, master.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  if (master.length !== 32) throw new Error(`${file} is not a 64-character hex key`);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), purpose, 32));
  return { session: derive('easypon session cookie'), encryption: derive('easypon secrets at rest') };
}
