import type { FieldErrors } from '../lib/form.js';
import { normalizeMac, normalizeSn } from '../lib/mac-sn.js';
import { isOltModel, OLT_MODELS } from './olt-models.js';

export interface OnuInput {
  oltId: number;
  shelf: number;
  slot: number;
  port: number;
  number: number;
  name: string;
  mac: string | null;
  sn: string | null;
  description: string;
}

export interface OltInput {
  name: string;
  model: string;
  host: string;
  description: string;
}

/** Raw values as typed (form strings) or sent (API JSON). */
export type RawInput = Record<string, unknown>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function text(raw: RawInput, name: string): string {
  const v = raw[name];
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' ? v.trim() : '';
}

function wholeNumber(raw: RawInput, name: string, max: number, errors: FieldErrors): number {
  const value = text(raw, name);
  const n = Number(value);
  if (value === '' || !/^\d+$/.test(value) || n > max) {
    errors[name] = `Enter a whole number from 0 to ${max}`;
    return 0;
  }
  return n;
}

/** Checks one ONU's fields (not uniqueness: that needs the database). */
export function parseOnuInput(raw: RawInput): Parsed<OnuInput> {
  const errors: FieldErrors = {};
  const oltId = Number(text(raw, 'oltId'));
  if (!Number.isSafeInteger(oltId) || oltId < 1) errors.oltId = 'Choose an OLT';
  const shelf = wholeNumber(raw, 'shelf', 255, errors);
  const slot = wholeNumber(raw, 'slot', 255, errors);
  const port = wholeNumber(raw, 'port', 255, errors);
  const number = wholeNumber(raw, 'number', 65535, errors);
  const name = text(raw, 'name');
  if (name.length > 100) errors.name = 'Use at most 100 characters';
  const macText = text(raw, 'mac');
  const snText = text(raw, 'sn');
  const mac = macText ? normalizeMac(macText) : null;
  const sn = snText ? normalizeSn(snText) : null;
  if (macText && !mac) errors.mac = 'Enter a MAC address like aa:bb:cc:dd:ee:ff';
  if (snText && !sn) errors.sn = 'Enter a serial number like ZTEGC6E96AD7';
  if (!macText && !snText) errors.mac = 'Enter a MAC address or a serial number (or both)';
  const description = text(raw, 'description');
  if (description.length > 500) errors.description = 'Use at most 500 characters';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { oltId, shelf, slot, port, number, name, mac, sn, description } };
}

/** Checks one OLT's fields (not the unique name). */
export function parseOltInput(raw: RawInput): Parsed<OltInput> {
  const errors: FieldErrors = {};
  const name = text(raw, 'name');
  if (!name) errors.name = 'Enter a name';
  else if (name.length > 100) errors.name = 'Use at most 100 characters';
  const model = text(raw, 'model');
  if (!isOltModel(model)) errors.model = `Choose one of the supported models (${OLT_MODELS.join(', ')})`;
  const host = text(raw, 'host');
  if (host.length > 255 || (host && !/^[A-Za-z0-9.:\-\[\]]+$/.test(host))) errors.host = 'Enter a host name or an IP address';
  const description = text(raw, 'description');
  if (description.length > 500) errors.description = 'Use at most 500 characters';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name, model, host, description } };
}

/** "shelf/slot/port:number", as pages and the API show a position. */
export function formatPosition(onu: { shelf: number; slot: number; port: number; number: number }): string {
  return `${onu.shelf}/${onu.slot}/${onu.port}:${onu.number}`;
}
