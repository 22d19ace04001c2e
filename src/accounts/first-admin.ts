import type { FastifyBaseLogger } from 'fastify';
import { generatePassword, hashPassword } from '../lib/password.js';
import { recordEvent, SYSTEM_ACTOR } from '../events/record.js';
import type { Db } from '../db/client.js';
import { createUserRepository } from './repository.js';

/** On an empty database, creates `admin`; later starts never touch users. */
export async function ensureFirstAdmin(db: Db, adminPassword: string | undefined, log: FastifyBaseLogger): Promise<void> {
  const repo = createUserRepository(db);
  if (repo.count() > 0) return;
  const password = adminPassword ?? generatePassword();
  repo.create({ username: 'admin', displayName: 'Administrator', email: '', role: 'admin', passwordHash: await hashPassword(password) });
  recordEvent(db, { kind: 'user.created', actor: SYSTEM_ACTOR, message: 'Created the first administrator "admin"' });
  if (!adminPassword) {
    // Printed once, on purpose: it is the only way in on a fresh install without ADMIN_PASSWORD.
    log.warn(`Created user "admin" with the generated password: ${password} (change it under Users)`);
  } else {
    log.info('Created user "admin" with the password from ADMIN_PASSWORD');
  }
}
