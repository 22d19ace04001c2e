import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordEvent } from '../events/record.js';
import { formString, type FieldErrors } from '../lib/form.js';
import { hashPassword } from '../lib/password.js';
import { createUserRepository, type User } from './repository.js';
import { parseUserForm, validatePassword, validateUserForm, type UserForm } from './user-form.js';

const admin = { config: { access: 'admin' as const } };
const EMPTY_FORM: UserForm = { username: '', displayName: '', email: '', role: 'operator', password: '' };

export async function userRoutes(app: FastifyInstance) {
  const users = createUserRepository(app.db);

  function renderUsers(reply: FastifyReply, data: { form?: UserForm; errors?: FieldErrors; resetFor?: number; resetError?: string } = {}) {
    return reply.page('accounts/users', {
      title: 'Users',
      users: users.list(),
      form: { ...EMPTY_FORM, ...data.form, password: '' },
      errors: data.errors ?? {},
      resetFor: data.resetFor ?? null,
      resetError: data.resetError ?? null,
    });
  }

  function findTarget(request: FastifyRequest): User {
    const id = Number((request.params as { id: string }).id);
    const user = Number.isSafeInteger(id) ? users.findById(id) : undefined;
    if (!user) throw Object.assign(new Error('No such user.'), { statusCode: 404 });
    return user;
  }

  app.get('/users', admin, async function showUsers(_request, reply) {
    return renderUsers(reply);
  });

  app.post('/users', admin, async function createUser(request, reply) {
    const form = parseUserForm(request.body as Record<string, unknown>);
    const errors = validateUserForm(form, !!users.findByUsername(form.username));
    if (Object.keys(errors).length) return renderUsers(reply.code(400), { form, errors });
    const passwordHash = await hashPassword(form.password);
    // Checked again after the hashing: a double-submitted form may have created it meanwhile.
    const taken = validateUserForm(form, !!users.findByUsername(form.username));
    if (Object.keys(taken).length) return renderUsers(reply.code(400), { form, errors: taken });
    const user = users.create({
      username: form.username,
      displayName: form.displayName,
      email: form.email,
      role: form.role as User['role'],
      passwordHash,
    });
    recordEvent(app.db, { kind: 'user.created', actor: request.actor(), message: `Created user "${user.username}" (${user.role})`, ip: request.ip });
    return reply.flash('success', `User "${user.username}" created.`).redirect('/users');
  });

  app.post('/users/:id/deactivate', admin, async function deactivateUser(request, reply) {
    const target = findTarget(request);
    if (target.role === 'admin' && target.active && users.countActiveAdmins() <= 1) {
      return reply.flash('error', 'There must always be at least one active admin.').redirect('/users');
    }
    users.update(target.id, { active: false });
    users.endSessions(target.id);
    recordEvent(app.db, { kind: 'user.deactivated', actor: request.actor(), message: `Deactivated user "${target.username}"`, ip: request.ip });
    return reply.flash('success', `User "${target.username}" deactivated.`).redirect('/users');
  });

  app.post('/users/:id/reactivate', admin, async function reactivateUser(request, reply) {
    const target = findTarget(request);
    users.update(target.id, { active: true });
    recordEvent(app.db, { kind: 'user.reactivated', actor: request.actor(), message: `Reactivated user "${target.username}"`, ip: request.ip });
    return reply.flash('success', `User "${target.username}" reactivated.`).redirect('/users');
  });

  app.post('/users/:id/role', admin, async function changeRole(request, reply) {
    const target = findTarget(request);
    const role = formString(request.body as Record<string, unknown>, 'role');
    if (role !== 'admin' && role !== 'operator') return reply.flash('error', 'Choose Admin or Operator.').redirect('/users');
    if (target.role === 'admin' && role === 'operator' && target.active && users.countActiveAdmins() <= 1) {
      return reply.flash('error', 'There must always be at least one active admin.').redirect('/users');
    }
    users.update(target.id, { role });
    recordEvent(app.db, { kind: 'user.role', actor: request.actor(), message: `Changed the role of "${target.username}" to ${role}`, ip: request.ip });
    return reply.flash('success', `"${target.username}" is now ${role === 'admin' ? 'an admin' : 'an operator'}.`).redirect('/users');
  });

  app.post('/users/:id/password', admin, async function resetPassword(request, reply) {
    const target = findTarget(request);
    const password = formString(request.body as Record<string, unknown>, 'password', { trim: false });
    const error = validatePassword(password);
    if (error) return renderUsers(reply.code(400), { resetFor: target.id, resetError: error });
    users.update(target.id, { passwordHash: await hashPassword(password) });
    users.endSessions(target.id);
    recordEvent(app.db, { kind: 'user.password', actor: request.actor(), message: `Reset the password of "${target.username}"`, ip: request.ip });
    if (target.id === request.user!.id) return reply.redirect('/login');
    return reply.flash('success', `Password of "${target.username}" reset; their sessions have ended.`).redirect('/users');
  });
}
