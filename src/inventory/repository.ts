import { and, asc, eq, getTableColumns, gt, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { olts, onus } from '../db/schema.js';
import { createSparseCheck, ftsPhrase, needsCasefold } from '../lib/fts.js';
import { normalizeSn, partialMacPattern } from '../lib/mac-sn.js';
import type { OltInput, OnuInput } from './onu-input.js';

export type Olt = typeof olts.$inferSelect;
export type Onu = typeof onus.$inferSelect;
export type OnuWithOlt = Onu & { oltName: string };
export type OltWithCount = Olt & { onuCount: number };

export interface OnuQuery {
  search?: string;
  oltId?: number;
  /** Keyset pagination: ONUs with an id greater than this. */
  afterId?: number;
  limit: number;
}

/** What a search is for: the trimmed text and its LIKE pattern (`%text%`, escaped with backslash). */
export interface SearchTerm {
  text: string;
  likePattern: string;
}

/**
 * One source of search matches, as conditions on `onus`: `scan` checks a row
 * cheaply; `lookup` finds the few matching ids through an index, or is null
 * when the term matches too many rows (or is too short) for that to pay.
 */
export interface SearchSource {
  scan: SQL;
  lookup: SQL | null;
}

/** Extra search sources other features contribute (UserSide: customer name and login). */
export type OnuSearchExtension = (term: SearchTerm) => SearchSource;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** Data access for OLTs and ONUs; `undefined` when not found. */
export function createInventoryRepository(db: Db, searchExtensions: OnuSearchExtension[] = []) {
  const onuWithOlt = { ...getTableColumns(onus), oltName: olts.name };

  const fewOnusMatch = createSparseCheck(db.$client, 'onus_search');

  /** Name, MAC (any spelling, partial) and serial number of the ONU itself. */
  function onuSource(term: string): SearchSource {
    const snText = term.toUpperCase().replace(/[\s-]/g, '');
    const mac = partialMacPattern(term);
    const scan = or(
      needsCasefold(term)
        ? sql`casefold(${onus.name}) like ${`%${escapeLike(term.toLowerCase())}%`} escape '\\'`
        : sql`${onus.name} like ${`%${escapeLike(term)}%`} escape '\\'`,
      sql`${onus.sn} like ${`%${escapeLike(snText)}%`} escape '\\'`,
      mac ? like(onus.mac, `%${mac}%`) : undefined,
    )!;
    const phrases = { name: ftsPhrase(term), sn: ftsPhrase(snText), mac: mac ? ftsPhrase(mac) : '' };
    if (!phrases.name || !phrases.sn || phrases.mac === null) return { scan, lookup: null };
    const match = `name : ${phrases.name} OR sn : ${phrases.sn}${phrases.mac ? ` OR mac : ${phrases.mac}` : ''}`;
    if (!fewOnusMatch(match)) return { scan, lookup: null };
    return { scan, lookup: sql`${onus.id} in (select rowid from onus_search where onus_search match ${match})` };
  }

  // Index lookups when every source has few matches, else one walk checking each row against all of them.
  function searchCondition(search: string): SQL | undefined {
    // A NUL means nothing in a search, and SQLite (LIKE and FTS5 MATCH alike) would read the term only up to it.
    const text = search.replace(/\0/g, '').trim();
    if (!text) return undefined;
    const sources = [onuSource(text), ...searchExtensions.map((extend) => extend({ text, likePattern: `%${escapeLike(text)}%` }))];
    const lookups = sources.map((source) => source.lookup);
    const conditions = lookups.every((lookup) => lookup !== null) ? lookups as SQL[] : sources.map((source) => source.scan);
    const sn = normalizeSn(text);
    if (sn && sn !== text.toUpperCase()) conditions.push(eq(onus.sn, sn)); // the 16-hex spelling of a serial
    return or(...conditions);
  }

  return {
    listOnus(query: OnuQuery): OnuWithOlt[] {
      const where: (SQL | undefined)[] = [searchCondition(query.search ?? '')];
      if (query.oltId) where.push(eq(onus.oltId, query.oltId));
      if (query.afterId) where.push(gt(onus.id, query.afterId));
      // `+` keeps the planner from driving the join from olts through onus_position,
      // which would sort every ONU by id: walking onus in id order stops at the limit.
      return db.select(onuWithOlt).from(onus).innerJoin(olts, sql`${olts.id} = +${onus.oltId}`)
        .where(and(...where)).orderBy(asc(onus.id)).limit(query.limit).all();
    },
    findOnu(id: number): OnuWithOlt | undefined {
      return db.select(onuWithOlt).from(onus).innerJoin(olts, eq(olts.id, onus.oltId)).where(eq(onus.id, id)).get();
    },
    /** Field messages for the unique position, MAC and SN, ignoring the ONU being edited. */
    onuConflicts(input: OnuInput, exceptId?: number): Record<string, string> {
      const errors: Record<string, string> = {};
      const other = (cond: SQL | undefined) => db.select({ id: onus.id, name: onus.name }).from(onus)
        .where(and(cond, exceptId ? sql`${onus.id} <> ${exceptId}` : undefined)).get();
      const samePosition = other(and(eq(onus.oltId, input.oltId), eq(onus.shelf, input.shelf), eq(onus.slot, input.slot), eq(onus.port, input.port), eq(onus.number, input.number)));
      if (samePosition) errors.number = `This position is taken on this OLT (ONU #${samePosition.id})`;
      if (input.mac) {
        const sameMac = other(eq(onus.mac, input.mac));
        if (sameMac) errors.mac = `This MAC belongs to ONU #${sameMac.id}`;
      }
      if (input.sn) {
        const sameSn = other(eq(onus.sn, input.sn));
        if (sameSn) errors.sn = `This serial number belongs to ONU #${sameSn.id}`;
      }
      if (!this.findOlt(input.oltId)) errors.oltId = 'Choose an OLT';
      return errors;
    },
    createOnu(input: OnuInput, createdAt?: Date): Onu {
      return db.insert(onus).values({ ...input, ...(createdAt ? { createdAt } : {}) }).returning().get();
    },
    /** Prepared lookups for checking many ONUs at once (the CSV import): the id holding a MAC, SN or position. */
    onuLookups() {
      const idWhere = (cond: SQL) => db.select({ id: onus.id }).from(onus).where(cond).prepare();
      const byMac = idWhere(eq(onus.mac, sql.placeholder('mac')));
      const bySn = idWhere(eq(onus.sn, sql.placeholder('sn')));
      const byPosition = idWhere(and(
        eq(onus.oltId, sql.placeholder('oltId')), eq(onus.shelf, sql.placeholder('shelf')), eq(onus.slot, sql.placeholder('slot')),
        eq(onus.port, sql.placeholder('port')), eq(onus.number, sql.placeholder('number')),
      )!);
      return {
        idWithMac: (mac: string) => byMac.get({ mac })?.id,
        idWithSn: (sn: string) => bySn.get({ sn })?.id,
        idAtPosition: (p: Pick<OnuInput, 'oltId' | 'shelf' | 'slot' | 'port' | 'number'>) =>
          byPosition.get({ oltId: p.oltId, shelf: p.shelf, slot: p.slot, port: p.port, number: p.number })?.id,
      };
    },
    /** Inserts every ONU in one transaction: all of them or none. */
    insertOnus(inputs: Iterable<OnuInput>, createdAt: Date): number {
      const insert = db.insert(onus).values({
        oltId: sql.placeholder('oltId'), shelf: sql.placeholder('shelf'), slot: sql.placeholder('slot'), port: sql.placeholder('port'),
        number: sql.placeholder('number'), name: sql.placeholder('name'), mac: sql.placeholder('mac'), sn: sql.placeholder('sn'),
        description: sql.placeholder('description'), createdAt: sql.placeholder('createdAt'),
      }).prepare();
      return db.transaction(() => {
        let count = 0;
        for (const input of inputs) {
          insert.run({ ...input, createdAt });
          count++;
        }
        return count;
      });
    },
    updateOnu(id: number, input: OnuInput): void {
      db.update(onus).set(input).where(eq(onus.id, id)).run();
    },
    deleteOnu(id: number): boolean {
      return db.delete(onus).where(eq(onus.id, id)).run().changes > 0;
    },
    countOnus(): number {
      return db.select({ n: sql<number>`count(*)` }).from(onus).get()!.n;
    },

    listOlts(): OltWithCount[] {
      return db.select({ ...getTableColumns(olts), // Spelled out: drizzle leaves columns unqualified in a subquery, and "id" would mean onus.id there.
      onuCount: sql<number>`(select count(*) from "onus" where "onus"."olt_id" = "olts"."id")` })
        .from(olts).orderBy(asc(olts.name)).all();
    },
    /** Every OLT without ONU counts: for select boxes, cheap at any inventory size. */
    listOltChoices(): Pick<Olt, 'id' | 'name' | 'model'>[] {
      return db.select({ id: olts.id, name: olts.name, model: olts.model }).from(olts).orderBy(asc(olts.name)).all();
    },
    findOlt(id: number): Olt | undefined {
      return db.select().from(olts).where(eq(olts.id, id)).get();
    },
    findOltByName(name: string): Olt | undefined {
      return db.select().from(olts).where(sql`${olts.name} = ${name} collate nocase`).get();
    },
    countOnusOnOlt(id: number): number {
      return db.select({ n: sql<number>`count(*)` }).from(onus).where(eq(onus.oltId, id)).get()!.n;
    },
    createOlt(input: OltInput): Olt {
      return db.insert(olts).values(input).returning().get();
    },
    updateOlt(id: number, input: OltInput): void {
      db.update(olts).set(input).where(eq(olts.id, id)).run();
    },
    deleteOlt(id: number): boolean {
      return db.delete(olts).where(eq(olts.id, id)).run().changes > 0;
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
