import { formString, formStrings, type FieldErrors, type FormBody } from '../lib/form.js';

/** The Google card's form as typed. Empty domain rows are left out. */
export interface GoogleForm {
  clientId: string;
  apiKey: string;
  domains: string[];
}

export interface GoogleFormResult {
  errors: FieldErrors;
  /** Valid domains, lower-case, without duplicates (meaningful only without errors). */
  domains: string[];
}

const MAX_DOMAINS = 50;

export function parseGoogleForm(body: FormBody): GoogleForm {
  return {
    clientId: formString(body, 'clientId'),
    apiKey: formString(body, 'apiKey'),
    domains: formStrings(body, 'domains').filter((d) => d !== '').slice(0, MAX_DOMAINS),
  };
}

/** A host name of at least two labels: letters, digits and inner hyphens, 63 per label, 253 in all. */
export function isDnsName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253
    && labels.length >= 2
    && labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))
    && !/^\d+$/.test(labels[labels.length - 1]!);
}

export function normaliseDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}

/**
 * Field messages keyed by field name; a bad domain row by `domains-<row>`.
 * Presence is required only while the switch is on; a typed value is always checked.
 */
export function validateGoogleForm(form: GoogleForm, { enabled, hasSavedSecret }: { enabled: boolean; hasSavedSecret: boolean }): GoogleFormResult {
  const errors: FieldErrors = {};
  if (form.clientId.length > 255 || /\s/.test(form.clientId)) {
    errors.clientId = 'Enter the Client ID as shown in Google Cloud Console (no spaces)';
  } else if (enabled && !form.clientId) {
    errors.clientId = 'Enter the Client ID of the OAuth client';
  }
  if (form.apiKey.length > 255 || /\s/.test(form.apiKey)) {
    errors.apiKey = 'Enter the client secret as shown in Google Cloud Console (no spaces)';
  } else if (enabled && !form.apiKey && !hasSavedSecret) {
    errors.apiKey = 'Enter the API key (the OAuth client secret)';
  }
  const domains: string[] = [];
  form.domains.forEach((typed, row) => {
    const domain = normaliseDomain(typed);
    if (!isDnsName(domain)) {
      errors[`domains-${row}`] = 'Enter a domain name like example.com';
    } else if (!domains.includes(domain)) {
      domains.push(domain);
    }
  });
  if (enabled && form.domains.length === 0) errors.domains = 'Add at least one allowed domain';
  return { errors, domains };
}
