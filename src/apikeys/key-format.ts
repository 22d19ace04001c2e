import { createHash, randomInt } from 'node:crypto';
import { toBase62 } from '../lib/base62.js';
import { crc32 } from './crc32.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_PREFIX = 'epk_';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
/** What the key list shows of a key: `epk_` and the next 4 characters. */
export const API_KEY_DISPLAY_LENGTH = 8;
const KEY_SHAPE = /^epk_[0-9A-Za-z]{38}$/;

function checksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** A new key: `epk_` + 32 random base62 characters + 6 base62 characters of the CRC-32 of what precedes them. */
export function generateApiKey(): string {
  let random = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  const body = API_KEY_PREFIX + random;
  return body + checksum(body);
}

/** True when the text has the shape of a key and its checksum matches: no database needed. */
export function hasValidKeyChecksum(key: string): boolean {
  if (!KEY_SHAPE.test(key)) return false;
  const body = key.slice(0, API_KEY_PREFIX.length + RANDOM_LENGTH);
  return checksum(body) === key.slice(body.length);
}

/** The SHA-256 digest (hex) under which a key is stored and looked up. */
export function apiKeyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_LENGTH);
}
