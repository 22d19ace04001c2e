import { formString, formStrings, type FieldErrors, type FormBody } from '../lib/form.js';
import { normalizeApiUrl } from './client.js';
import { CUSTOMER_FIELDS, type CustomerFieldKey } from './fields.js';
import { MIN_INTERVAL_MINUTES, type UserSideRunType, type UserSideSettings } from './settings.js';

/** The UserSide card's form as typed (the API key is never shown back). */
export interface UserSideForm {
  type: string;
  intervalMinutes: string;
  apiUrl: string;
  apiKey: string;
  fields: CustomerFieldKey[];
  snFieldId: string;
}

const MAX_INTERVAL_MINUTES = 7 * 24 * 60;

export function parseUserSideForm(body: FormBody): UserSideForm {
  const checked = new Set(formStrings(body, 'fields'));
  return {
    type: formString(body, 'type'),
    intervalMinutes: formString(body, 'intervalMinutes'),
    apiUrl: formString(body, 'apiUrl'),
    apiKey: formString(body, 'apiKey'),
    // In the order of the list, whatever order the browser sent them in.
    fields: CUSTOMER_FIELDS.map((f) => f.key).filter((key) => checked.has(key)),
    snFieldId: formString(body, 'snFieldId'),
  };
}

/** The typed URL and key, enough to test a connection. */
export function validateConnection(form: UserSideForm, { hasSavedSecret }: { hasSavedSecret: boolean }): { errors: FieldErrors; apiUrl: string | null } {
  const errors: FieldErrors = {};
  const url = normalizeApiUrl(form.apiUrl);
  if ('error' in url) errors.apiUrl = url.error;
  if (form.apiKey.length > 255 || /\s/.test(form.apiKey)) errors.apiKey = 'Enter the API key as UserSide shows it (no spaces)';
  else if (!form.apiKey && !hasSavedSecret) errors.apiKey = 'Enter the API key of the UserSide API';
  return { errors, apiUrl: 'url' in url ? url.url : null };
}

/** Field messages keyed by field name, and the settings to save when there are none. */
export function validateUserSideForm(form: UserSideForm, { hasSavedSecret }: { hasSavedSecret: boolean }): { errors: FieldErrors; settings: UserSideSettings | null } {
  const { errors, apiUrl } = validateConnection(form, { hasSavedSecret });
  const type: UserSideRunType | null = form.type === 'import' || form.type === 'sync' ? form.type : null;
  if (!type) errors.type = 'Choose Import or Synchronization';
  const interval = Number(form.intervalMinutes);
  if (!/^\d+$/.test(form.intervalMinutes) || interval < MIN_INTERVAL_MINUTES || interval > MAX_INTERVAL_MINUTES) {
    errors.intervalMinutes = `Enter a whole number of minutes from ${MIN_INTERVAL_MINUTES} to ${MAX_INTERVAL_MINUTES}`;
  }
  const snFieldId = form.snFieldId === '' ? null : Number(form.snFieldId);
  if (snFieldId !== null && (!/^\d{1,9}$/.test(form.snFieldId) || snFieldId < 1)) {
    errors.snFieldId = 'Enter the number of the additional-data field (e.g. 7), or leave it empty';
  }
  if (Object.keys(errors).length || !type || !apiUrl) return { errors, settings: null };
  return { errors, settings: { type, intervalMinutes: interval, apiUrl, fields: form.fields, snFieldId } };
}
