// npm run backup -- FILE: a consistent copy of the live database, taken with
// SQLite's online backup API while the app keeps serving.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';

export async function backupDatabase(dataDir: string, target: string): Promise<number> {
  const source = path.join(dataDir, 'easypon.db');
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const result = await db.backup(target);
    return result.totalPages;
  } finally {
    db.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]));
if (isMain) {
  const target = process.argv[2];
  if (!target) {
    console.error('Usage: npm run backup -- FILE');
    process.exit(2);
  }
  try {
    const pages = await backupDatabase(loadConfig().dataDir, path.resolve(target));
    console.log(`Backed up ${pages} pages to ${path.resolve(target)}. Keep DATA_DIR/secret.key with it.`);
  } catch (error) {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `Backup failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
