import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { integrations } from '../db/schema.js';
import { decryptSecret, encryptSecret } from '../lib/crypto-box.js';

export type IntegrationName = 'google' | 'userside' | 'apikeys';

export interface IntegrationState<S> {
  enabled: boolean;
  /** Saved plain settings; null until the card's form was first saved. */
  settings: S | null;
  hasSecret: boolean;
  updatedAt: Date | null;
}

/** The switch, the plain settings and the encrypted secret of each integration card. */
export function createIntegrationStore(db: Db, encryptionKey: Buffer) {
  function row(name: IntegrationName) {
    return db.select().from(integrations).where(eq(integrations.name, name)).get();
  }

  function upsert(name: IntegrationName, values: Partial<typeof integrations.$inferInsert>) {
    db.insert(integrations).values({ name, ...values, updatedAt: new Date() })
      .onConflictDoUpdate({ target: integrations.name, set: { ...values, updatedAt: new Date() } }).run();
  }

  return {
    get<S>(name: IntegrationName): IntegrationState<S> {
      const r = row(name);
      const settings = r && Object.keys(r.settings).length ? (r.settings as S) : null;
      return { enabled: r?.enabled ?? false, settings, hasSecret: !!r?.secret, updatedAt: r?.updatedAt ?? null };
    },
    /** The decrypted secret, or null when none is saved. Never put it in a page, log or event. */
    getSecret(name: IntegrationName): string | null {
      const box = row(name)?.secret;
      return box ? decryptSecret(encryptionKey, box) : null;
    },
    setEnabled(name: IntegrationName, enabled: boolean): void {
      upsert(name, { enabled });
    },
    /** Saves the settings; `secret` undefined keeps the saved one. */
    save<S extends Record<string, unknown>>(name: IntegrationName, settings: S, secret?: string): void {
      upsert(name, { settings, ...(secret !== undefined ? { secret: encryptSecret(encryptionKey, secret) } : {}) });
    },
  };
}

export type IntegrationStore = ReturnType<typeof createIntegrationStore>;
