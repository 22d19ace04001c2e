import { formString, type FieldErrors, type FormBody } from '../lib/form.js';
import type { Role } from './repository.js';

export interface UserForm {
  username: string;
  displayName: string;
  email: string;
  role: Role | '';
  password: string;
}

export function parseUserForm(body: FormBody): UserForm {
  const role = formString(body, 'role');
  return {
    username: formString(body, 'username'),
    displayName: formString(body, 'displayName'),
    email: formString(body, 'email'),
    role: role === 'admin' || role === 'operator' ? role : '',
    password: formString(body, 'password', { trim: false }),
  };
}

export function validatePassword(password: string): string | null {
  if (password.length < 8) return 'Use at least 8 characters';
  if (password.length > 200) return 'Use at most 200 characters';
  return null;
}

/** Field messages for a new user; `usernameTaken` comes from the repository. */
export function validateUserForm(form: UserForm, usernameTaken: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^[a-zA-Z0-9._@-]{2,64}$/.test(form.username)) {
    errors.username = 'Use 2 to 64 letters, digits, dots, dashes, underscores or @';
  } else if (usernameTaken) {
    errors.username = 'This username is taken';
  }
  if (form.displayName.length > 100) errors.displayName = 'Use at most 100 characters';
  if (form.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email)) errors.email = 'Enter an email address like ops@example.com';
  if (form.email.length > 254) errors.email = 'Use at most 254 characters';
  if (!form.role) errors.role = 'Choose Admin or Operator';
  const passwordError = validatePassword(form.password);
  if (passwordError) errors.password = passwordError;
  return errors;
}
