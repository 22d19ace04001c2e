import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema.js';

export type ApiKey = typeof apiKeys.$inferSelect;
export type ApiKeyAccess = ApiKey['access'];
export type NewApiKey = Pick<ApiKey, 'digest' | 'prefix' | 'name' | 'access' | 'expiresAt' | 'createdBy' | 'createdAt'>;

/** Data access for API keys; `undefined` when not found. */
export function createApiKeyRepository(db: Db) {
  // Prepared once: this lookup runs on every External API request.
  const byDigest = db.select().from(apiKeys).where(eq(apiKeys.digest, sql.placeholder('digest'))).prepare();
  const markUsed = db.update(apiKeys)
    .set({ lastUsedAt: sql`${sql.placeholder('at')}`, lastUsedIp: sql`${sql.placeholder('ip')}` })
    .where(eq(apiKeys.id, sql.placeholder('id'))).prepare();

  return {
    create(key: NewApiKey): ApiKey {
      return db.insert(apiKeys).values(key).returning().get();
    },
    /** Keys not deleted, newest first. */
    listActive(): ApiKey[] {
      return db.select().from(apiKeys).where(isNull(apiKeys.revokedAt)).orderBy(desc(apiKeys.id)).all();
    },
    findActive(id: number): ApiKey | undefined {
      return db.select().from(apiKeys).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).get();
    },
    findByDigest(digest: string): ApiKey | undefined {
      return byDigest.get({ digest });
    },
    revoke(id: number, at: Date): boolean {
      return db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).run().changes > 0;
    },
    recordUse(id: number, at: Date, ip: string): void {
      markUsed.run({ id, at: at.getTime(), ip });
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
