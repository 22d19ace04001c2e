// Where the CSV import keeps what it has checked: temporary tables of the
// app's connection, in SQLite's temp store (files, with a bounded page cache),
// so a file of any size costs the same memory.
import type { Db } from '../db/client.js';
import type { OnuInput } from './onu-input.js';

export type ClaimKind = 'mac' | 'sn' | 'position';

let imports = 0;

/** The checked lines of one import; `drop()` when done with it. */
export function createImportStaging(db: Db) {
  const client = db.$client;
  const claims = `temp.import_claims_${++imports}`;
  const rows = `temp.import_rows_${imports}`;
  client.exec(`create table ${claims} (kind text not null, key text not null, line integer not null, primary key (kind, key)) without rowid;
    create table ${rows} (line integer primary key, olt_id integer, shelf integer, slot integer, port integer, number integer,
      name text, mac text, sn text, description text)`);
  const findClaim = client.prepare<[ClaimKind, string], number>(`select line from ${claims} where kind = ? and key = ?`).pluck();
  const addClaim = client.prepare(`insert into ${claims} (kind, key, line) values (?, ?, ?)`);
  const addRow = client.prepare(`insert into ${rows} values (@line, @oltId, @shelf, @slot, @port, @number, @name, @mac, @sn, @description)`);

  return {
    /** Records that `line` holds this MAC, serial or position; the earlier line that held it, if one did. */
    claim(kind: ClaimKind, key: string, line: number): number | undefined {
      const earlier = findClaim.get(kind, key);
      if (earlier === undefined) addClaim.run(kind, key, line);
      return earlier;
    },
    add(line: number, onu: OnuInput): void {
      addRow.run({ line, ...onu });
    },
    /** Runs synchronous work in one transaction (a batch of lines costs one commit). */
    inTransaction<T>(work: () => T): T {
      return client.transaction(work)();
    },
    /** Inserts every staged ONU, in file order, in one transaction: all of them or none. */
    insertAll(createdAt: Date): number {
      return client.transaction(() => client.prepare(`insert into main.onus (olt_id, shelf, slot, port, number, name, mac, sn, description, created_at)
        select olt_id, shelf, slot, port, number, name, mac, sn, description, ? from ${rows} order by line`).run(createdAt.getTime()).changes)();
    },
    drop(): void {
      client.exec(`drop table if exists ${claims}; drop table if exists ${rows}`);
    },
  };
}

export type ImportStaging = ReturnType<typeof createImportStaging>;
