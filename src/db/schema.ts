import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull().default(''),
  email: text('email').notNull().default(''),
  role: text('role', { enum: ['admin', 'operator'] }).notNull(),
  passwordHash: text('password_hash'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  googleSub: text('google_sub').unique(),
  // Bumped on deactivation and password reset: sessions carrying an older value end.
  sessionEpoch: integer('session_epoch').notNull().default(0),
  createdAt: createdAt(),
  lastSignInAt: integer('last_sign_in_at', { mode: 'timestamp_ms' }),
});

export const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  kind: text('kind').notNull(),
  actorId: integer('actor_id'),
  actorName: text('actor_name').notNull(),
  message: text('message').notNull(),
  ip: text('ip'),
}, (t) => [
  index('events_kind_id').on(t.kind, t.id),
  index('events_actor_id').on(t.actorName, t.id),
]);

/** One row per integration card: its switch, its plain settings, its encrypted secret. */
export const integrations = sqliteTable('integrations', {
  name: text('name').primaryKey(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  secret: text('secret'),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
});

export const olts = sqliteTable('olts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  model: text('model').notNull(),
  host: text('host').notNull().default(''),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
});

export const onus = sqliteTable('onus', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  oltId: integer('olt_id').notNull().references(() => olts.id),
  shelf: integer('shelf').notNull(),
  slot: integer('slot').notNull(),
  port: integer('port').notNull(),
  number: integer('number').notNull(),
  name: text('name').notNull().default(''),
  mac: text('mac').unique(),
  sn: text('sn').unique(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('onus_position').on(t.oltId, t.shelf, t.slot, t.port, t.number),
  index('onus_name').on(t.name),
]);

/** External API keys: only the SHA-256 digest of a key is kept, never the key. */
export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  digest: text('digest').notNull().unique(),
  prefix: text('prefix').notNull(),
  name: text('name').notNull(),
  access: text('access', { enum: ['read', 'write'] }).notNull(),
  // The last millisecond of the chosen UTC day; null: never expires.
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  lastUsedIp: text('last_used_ip'),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
});

/** UserSide imports and synchronizations: one row a run, its progress updated while it runs. */
export const userSideRuns = sqliteTable('userside_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  type: text('type', { enum: ['import', 'sync'] }).notNull(),
  trigger: text('trigger', { enum: ['manual', 'schedule', 'api'] }).notNull(),
  actorName: text('actor_name').notNull(),
  status: text('status', { enum: ['running', 'succeeded', 'failed', 'interrupted'] }).notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  customersTotal: integer('customers_total'),
  customersFetched: integer('customers_fetched').notNull().default(0),
  // Customers whose MACs and serials matched no ONU ("not found" on the card).
  customersUnmatched: integer('customers_unmatched').notNull().default(0),
  onusLinked: integer('onus_linked').notNull().default(0),
  onusChanged: integer('onus_changed').notNull().default(0),
  onusUnlinked: integer('onus_unlinked').notNull().default(0),
  conflicts: integer('conflicts').notNull().default(0),
  error: text('error'),
}, (t) => [index('userside_runs_status').on(t.status)]);

/** Per linked ONU, the UserSide customer as the last completed run saw it (all 21 fields, JSON). */
export const userSideCustomers = sqliteTable('userside_customers', {
  onuId: integer('onu_id').primaryKey().references(() => onus.id, { onDelete: 'cascade' }),
  customerId: integer('customer_id').notNull(),
  name: text('name').notNull(),
  login: text('login').notNull(),
  snapshot: text('snapshot').notNull(),
  runId: integer('run_id').notNull().references(() => userSideRuns.id),
}, (t) => [index('userside_customers_customer').on(t.customerId)]);

/**
 * The run in progress writes here; userside_customers changes only when it
 * completes. No foreign key: an ONU deleted meanwhile is skipped at the swap.
 */
export const userSideStaging = sqliteTable('userside_staging', {
  onuId: integer('onu_id').primaryKey(),
  customerId: integer('customer_id').notNull(),
  name: text('name').notNull(),
  login: text('login').notNull(),
  snapshot: text('snapshot').notNull(),
  // How many customers claimed this ONU; more than one is a conflict.
  claims: integer('claims').notNull().default(1),
});
