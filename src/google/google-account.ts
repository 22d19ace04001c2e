import type { User, UserRepository } from '../accounts/repository.js';
import type { GoogleIdentity } from './oidc.js';

export type GoogleAccountResult =
  | { ok: true; user: User; created: boolean; bound: boolean }
  | { ok: false; reason: string; user?: User };

/**
 * The EasyPON user of a Google identity that passed every check: the one bound to its `sub`,
 * else the one with its email (now bound), else a new operator.
 */
export function findOrCreateGoogleUser(users: UserRepository, identity: GoogleIdentity): GoogleAccountResult {
  let user = users.findByGoogleSub(identity.sub);
  let bound = false;
  if (!user) {
    const withEmail = users.findAllByEmail(identity.email);
    if (withEmail.length > 1) {
      return { ok: false, reason: `Several EasyPON accounts have the email ${identity.email}: an administrator must make it unique first` };
    }
    const byEmail = withEmail[0];
    if (byEmail?.googleSub) {
      return { ok: false, reason: `The EasyPON account with ${identity.email} is bound to another Google account`, user: byEmail };
    }
    // A deactivated account is refused before anything about it changes.
    if (byEmail && !byEmail.active) return { ok: false, reason: 'This account is deactivated', user: byEmail };
    if (byEmail) {
      users.update(byEmail.id, { googleSub: identity.sub });
      user = { ...byEmail, googleSub: identity.sub };
      bound = true;
    }
  }
  if (user) {
    if (!user.active) return { ok: false, reason: 'This account is deactivated', user };
    return { ok: true, user, created: false, bound };
  }
  const created = users.create({
    username: freeUsername(users, usernameFromEmail(identity.email)),
    displayName: identity.name.slice(0, 100),
    email: identity.email,
    role: 'operator',
    passwordHash: null,
    googleSub: identity.sub,
  });
  return { ok: true, user: created, created: true, bound: false };
}

/** The part before @, reduced to the characters usernames allow. */
export function usernameFromEmail(email: string): string {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  const base = local.slice(0, 56);
  return base.length >= 2 ? base : `user-${base}`.replace(/-$/, '');
}

function freeUsername(users: UserRepository, base: string): string {
  if (!users.findByUsername(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!users.findByUsername(candidate)) return candidate;
  }
}
