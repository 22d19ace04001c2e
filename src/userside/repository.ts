import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { onus, userSideCustomers, userSideRuns } from '../db/schema.js';
import type { SearchSource, SearchTerm } from '../inventory/repository.js';
import { createSparseCheck, ftsPhrase, needsCasefold } from '../lib/fts.js';
import type { CustomerSnapshot } from './customer.js';

export type RunRow = typeof userSideRuns.$inferSelect;
export type RunStatus = RunRow['status'];
export type RunTrigger = RunRow['trigger'];

export interface RunProgress {
  customersTotal?: number | null;
  customersFetched: number;
  customersUnmatched: number;
  onusLinked: number;
  conflicts: number;
}

export interface LinkedCustomer {
  customerId: number;
  name: string;
  snapshot: CustomerSnapshot;
}

/** A claim of one customer on one ONU, as the run stages it. */
export interface StagedClaim {
  onuId: number;
  customerId: number;
  name: string;
  login: string;
  snapshot: string;
}

/** Data access for UserSide runs, the customer snapshot per ONU and the staging table of the run in progress. */
export function createUserSideRepository(db: Db) {
  const client = db.$client;
  const fewCustomersMatch = createSparseCheck(client, 'userside_customers_search');
  const countLinked = (): number => client.prepare('select count(*) from userside_customers').pluck().get() as number;

  return {
    createRun(run: Pick<RunRow, 'type' | 'trigger' | 'actorName' | 'startedAt'>): RunRow {
      return db.insert(userSideRuns).values({ ...run, status: 'running' }).returning().get();
    },
    updateProgress(runId: number, progress: RunProgress): void {
      db.update(userSideRuns).set(progress).where(eq(userSideRuns.id, runId)).run();
    },
    finishRun(runId: number, outcome: { status: Exclude<RunStatus, 'running'>; error: string | null; finishedAt: Date }): void {
      db.update(userSideRuns).set(outcome).where(and(eq(userSideRuns.id, runId), eq(userSideRuns.status, 'running'))).run();
    },
    /** Runs a crash left 'running': nothing runs them any more. */
    interruptAbandonedRuns(finishedAt: Date, error: string): number {
      return db.update(userSideRuns).set({ status: 'interrupted', finishedAt, error }).where(eq(userSideRuns.status, 'running')).run().changes;
    },
    findRun(id: number): RunRow | undefined {
      return db.select().from(userSideRuns).where(eq(userSideRuns.id, id)).get();
    },
    /** Latest first. */
    listRuns(limit: number): RunRow[] {
      return db.select().from(userSideRuns).orderBy(desc(userSideRuns.id)).limit(limit).all();
    },
    lastRun(): RunRow | undefined {
      return db.select().from(userSideRuns).orderBy(desc(userSideRuns.id)).limit(1).get();
    },
    lastSucceededRun(): RunRow | undefined {
      return db.select().from(userSideRuns).where(eq(userSideRuns.status, 'succeeded')).orderBy(desc(userSideRuns.id)).limit(1).get();
    },

    /** Some ONUs the run in progress found claimed by several customers, with the customer kept. */
    stagedConflicts(limit: number): { onuId: number; customerId: number; claims: number }[] {
      return client.prepare('select onu_id as onuId, customer_id as customerId, claims from userside_staging where claims > 1 order by onu_id limit ?').all(limit) as { onuId: number; customerId: number; claims: number }[];
    },
    linkedOnuCount: countLinked,
    clearStaging(): void {
      client.prepare('delete from userside_staging').run();
    },
    /**
     * Prepared statements for staging one batch; `stage` tells whether the ONU was
     * new to this run, a repeat of the same customer, or contested (lower customer id kept).
     */
    stager() {
      const existing = client.prepare<[number], { customer_id: number; claims: number }>('select customer_id, claims from userside_staging where onu_id = ?');
      const insert = client.prepare('insert into userside_staging (onu_id, customer_id, name, login, snapshot) values (@onuId, @customerId, @name, @login, @snapshot)');
      const contest = client.prepare(`update userside_staging set claims = claims + 1,
        customer_id = case when @customerId < customer_id then @customerId else customer_id end,
        name = case when @customerId < customer_id then @name else name end,
        login = case when @customerId < customer_id then @login else login end,
        snapshot = case when @customerId < customer_id then @snapshot else snapshot end
        where onu_id = @onuId`);
      return {
        stage(claim: StagedClaim): 'new' | 'repeat' | 'first-conflict' | 'conflict' {
          const found = existing.get(claim.onuId);
          if (!found) {
            insert.run(claim);
            return 'new';
          }
          if (found.customer_id === claim.customerId) return 'repeat';
          contest.run(claim);
          return found.claims === 1 ? 'first-conflict' : 'conflict';
        },
        inTransaction<T>(work: () => T): T {
          return client.transaction(work)();
        },
      };
    },
    /**
     * Replaces the snapshot by the staged one in one transaction, writing only
     * rows that differ, and marks the run succeeded in that same transaction.
     */
    swapInStaged(runId: number, finishedAt: Date): { changed: number; unlinked: number; linked: number } {
      return client.transaction(() => {
        const unlinked = client.prepare('delete from userside_customers where onu_id not in (select onu_id from userside_staging)').run().changes;
        const changed = client.prepare(`insert into userside_customers (onu_id, customer_id, name, login, snapshot, run_id)
          select s.onu_id, s.customer_id, s.name, s.login, s.snapshot, ? from userside_staging s
          join onus o on o.id = s.onu_id
          left join userside_customers c on c.onu_id = s.onu_id
          where c.onu_id is null or c.customer_id <> s.customer_id or c.snapshot <> s.snapshot
          on conflict (onu_id) do update set customer_id = excluded.customer_id, name = excluded.name,
            login = excluded.login, snapshot = excluded.snapshot, run_id = excluded.run_id`).run(runId).changes;
        const linked = countLinked();
        client.prepare('delete from userside_staging').run();
        db.update(userSideRuns).set({ status: 'succeeded', finishedAt, onusChanged: changed, onusUnlinked: unlinked, onusLinked: linked, error: null })
          .where(eq(userSideRuns.id, runId)).run();
        return { changed, unlinked, linked };
      })();
    },

    /** The stored customer per ONU id, for the ONUs that have one. */
    customersOf(onuIds: number[]): Map<number, LinkedCustomer> {
      const found = new Map<number, LinkedCustomer>();
      if (onuIds.length === 0) return found;
      const rows = db.select({ onuId: userSideCustomers.onuId, customerId: userSideCustomers.customerId, name: userSideCustomers.name, snapshot: userSideCustomers.snapshot })
        .from(userSideCustomers).where(inArray(userSideCustomers.onuId, onuIds)).all();
      for (const row of rows) found.set(row.onuId, { customerId: row.customerId, name: row.name, snapshot: JSON.parse(row.snapshot) as CustomerSnapshot });
      return found;
    },
    /** The customer name per ONU id, without reading the snapshots. */
    namesOf(onuIds: number[]): Map<number, string> {
      if (onuIds.length === 0) return new Map();
      const rows = db.select({ onuId: userSideCustomers.onuId, name: userSideCustomers.name }).from(userSideCustomers)
        .where(inArray(userSideCustomers.onuId, onuIds)).all();
      return new Map(rows.map((row) => [row.onuId, row.name]));
    },
    /** ONUs whose linked customer's name or login contains the term. */
    searchByCustomer(term: SearchTerm): SearchSource {
      const fold = needsCasefold(term.text);
      const pattern = fold ? term.likePattern.toLowerCase() : term.likePattern;
      const column = (c: typeof userSideCustomers.name | typeof userSideCustomers.login) => (fold ? sql`casefold(${c})` : sql`${c}`);
      const scan = sql`exists (select 1 from ${userSideCustomers} where ${userSideCustomers.onuId} = ${onus.id}
        and (${column(userSideCustomers.name)} like ${pattern} escape '\\' or ${column(userSideCustomers.login)} like ${pattern} escape '\\'))`;
      const phrase = ftsPhrase(term.text);
      if (!phrase || !fewCustomersMatch(phrase)) return { scan, lookup: null };
      return { scan, lookup: sql`${onus.id} in (select rowid from userside_customers_search where userside_customers_search match ${phrase})` };
    },
  };
}

export type UserSideRepository = ReturnType<typeof createUserSideRepository>;
