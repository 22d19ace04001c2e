import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/client.js';
import { apiKeyDigest, hasValidKeyChecksum } from './key-format.js';
import { createApiKeyRepository, type ApiKey } from './repository.js';

/** What a request authenticated by an API key knows about its key. */
export type VerifiedApiKey = Pick<ApiKey, 'id' | 'name' | 'prefix' | 'access'>;

const USE_RECORD_INTERVAL_MS = 60_000;

/** True while a key works: not deleted, and `now` not past the end of its expiry day. */
export function isApiKeyUsable(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return !key.revokedAt && (!key.expiresAt || now.getTime() <= key.expiresAt.getTime());
}

/** Checks presented keys against the stored digests and records their use, at most once a minute per key. */
export function createApiKeyVerifier(db: Db, now: () => Date) {
  const keys = createApiKeyRepository(db);
  const lastRecorded = new Map<number, number>();

  return {
    /** The key's record when it is well formed, known, unexpired and not revoked; otherwise null. */
    verifyApiKey(presented: string): VerifiedApiKey | null {
      // The checksum first: typos and random guesses never reach the database.
      if (!hasValidKeyChecksum(presented)) return null;
      const digest = apiKeyDigest(presented);
      const key = keys.findByDigest(digest);
      if (!key || !timingSafeEqual(Buffer.from(key.digest, 'hex'), Buffer.from(digest, 'hex'))) return null;
      if (!isApiKeyUsable(key, now())) return null;
      return { id: key.id, name: key.name, prefix: key.prefix, access: key.access };
    },
    /** Last activity and IP; written at most once a minute per key so requests stay fast. */
    recordApiKeyUse(key: VerifiedApiKey, ip: string): void {
      const at = now();
      const last = lastRecorded.get(key.id);
      if (last !== undefined && at.getTime() - last < USE_RECORD_INTERVAL_MS) return;
      lastRecorded.set(key.id, at.getTime());
      keys.recordUse(key.id, at, ip);
    },
  };
}

export type ApiKeyVerifier = ReturnType<typeof createApiKeyVerifier>;
