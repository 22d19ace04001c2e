import { formChecked, formString, type FieldErrors, type FormBody } from '../lib/form.js';
import type { ApiKeyAccess } from './repository.js';

/** The "Generate New Key" form as typed. */
export interface KeyForm {
  name: string;
  expiryDate: string;
  indefinite: boolean;
  access: string;
}

export interface ValidKeyForm {
  name: string;
  access: ApiKeyAccess;
  /** The last millisecond of the expiry day (UTC), or null for a key that never expires. */
  expiresAt: Date | null;
}

export const EMPTY_KEY_FORM: KeyForm = { name: '', expiryDate: '', indefinite: false, access: 'read' };
export const NAME_MAX_LENGTH = 100;

export function parseKeyForm(body: FormBody): KeyForm {
  return {
    name: formString(body, 'name'),
    expiryDate: formString(body, 'expiryDate'),
    indefinite: formChecked(body, 'indefinite'),
    access: formString(body, 'access'),
  };
}

/** "2030-12-31" (UTC) */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last millisecond of a YYYY-MM-DD day in UTC, or null when the text is not a real date. */
function endOfUtcDay(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(Date.UTC(year, month - 1, day));
  if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) return null;
  return new Date(start.getTime() + 24 * 60 * 60 * 1000 - 1);
}

/**
 * Checks the form against today's date (UTC). When "Make it last indefinitely"
 * is checked, the expiry date is ignored (the form says so).
 */
export function validateKeyForm(form: KeyForm, now: Date): { ok: true; value: ValidKeyForm } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!form.name) errors.name = 'Enter a name: what the key is for';
  else if (form.name.length > NAME_MAX_LENGTH) errors.name = `Use at most ${NAME_MAX_LENGTH} characters (this one has ${form.name.length})`;
  if (form.access !== 'read' && form.access !== 'write') errors.access = 'Choose "Read only" or "Read and write"';

  let expiresAt: Date | null = null;
  if (!form.indefinite) {
    if (!form.expiryDate) {
      errors.expiryDate = 'Choose an expiry date or make the key last indefinitely';
    } else {
      expiresAt = endOfUtcDay(form.expiryDate);
      if (!expiresAt) errors.expiryDate = 'Enter a real date, like 2030-12-31';
      else if (form.expiryDate <= utcDay(now)) errors.expiryDate = `Choose a date after today (${utcDay(now)}, UTC)`;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name: form.name, access: form.access as ApiKeyAccess, expiresAt } };
}
