import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events } from '../db/schema.js';

export interface Actor {
  id: number | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system' };

export interface NewEvent {
  kind: string;
  actor: Actor;
  message: string;
  ip?: string | null;
}

/** Writes one line of the event log. Callers pass messages that never hold a secret. */
export function recordEvent(db: Db, event: NewEvent, at = new Date()): void {
  db.insert(events).values({
    at,
    kind: event.kind,
    actorId: event.actor.id,
    actorName: event.actor.name,
    message: event.message,
    ip: event.ip ?? null,
  }).run();
}

export interface EventFilter {
  kind?: string;
  actor?: string;
  beforeId?: number;
  limit: number;
}

/** Newest first, keyset-paginated by id. */
export function listEvents(db: Db, filter: EventFilter) {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(events.kind, filter.kind));
  if (filter.actor) where.push(eq(events.actorName, filter.actor));
  if (filter.beforeId) where.push(lt(events.id, filter.beforeId));
  return db.select().from(events).where(and(...where)).orderBy(desc(events.id)).limit(filter.limit).all();
}

export function listEventKinds(db: Db): string[] {
  return db.selectDistinct({ kind: events.kind }).from(events).orderBy(events.kind).all().map((r) => r.kind);
}

export function listEventActors(db: Db): string[] {
  return db.selectDistinct({ name: events.actorName }).from(events).orderBy(events.actorName).all().map((r) => r.name);
}
