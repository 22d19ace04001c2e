import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectPath } from '../lib/project-path.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Opens (creating if needed) the SQLite file under dataDir, sets the pragmas and applies migrations. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'easypon.db');
  const sqlite = new Database(file);
  // Subscribers' data: readable by the service user only (SQLite gives -wal/-shm the same mode).
  chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // LIKE folds ASCII letters only; searches in other scripts (Cyrillic customer names) compare casefold() of both sides.
  sqlite.function('casefold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: projectPath('migrations') });
  return db as Db;
}
