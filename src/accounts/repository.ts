import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';

export type User = typeof users.$inferSelect;
export type Role = User['role'];
export type NewUser = Pick<User, 'username' | 'displayName' | 'email' | 'role'> & { passwordHash: string | null; googleSub?: string | null };

export function createUserRepository(db: Db) {
  return {
    findById: (id: number): User | undefined => db.select().from(users).where(eq(users.id, id)).get(),
    findByUsername: (username: string): User | undefined =>
      db.select().from(users).where(sql`${users.username} = ${username} collate nocase`).get(),
    findByGoogleSub: (sub: string): User | undefined => db.select().from(users).where(eq(users.googleSub, sub)).get(),
    /** Every user with this email (case-insensitive): emails are not unique. */
    findAllByEmail: (email: string): User[] =>
      db.select().from(users).where(sql`${users.email} = ${email} collate nocase`).limit(2).all(),
    list: (): User[] => db.select().from(users).orderBy(asc(users.username)).all(),
    count: (): number => db.select({ n: sql<number>`count(*)` }).from(users).get()!.n,
    countActiveAdmins: (): number =>
      db.select({ n: sql<number>`count(*)` }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true))).get()!.n,
    create: (user: NewUser): User => db.insert(users).values(user).returning().get(),
    update: (id: number, changes: Partial<Omit<User, 'id'>>): void => {
      db.update(users).set(changes).where(eq(users.id, id)).run();
    },
    /** Ends the user's existing sessions on their next request. */
    endSessions: (id: number): void => {
      db.update(users).set({ sessionEpoch: sql`${users.sessionEpoch} + 1` }).where(eq(users.id, id)).run();
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
