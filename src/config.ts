import { isIP } from 'node:net';
import path from 'node:path';
import { checkIssuerUrl } from './google/oidc.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: URL;
  trustProxy: string[];
  adminPassword: string | undefined;
  googleIssuerUrl: URL;
  logLevel: string;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses and checks the environment once; throws ConfigError naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT ?? '3000');
  return {
    port,
    host: parseHost(env.HOST ?? '127.0.0.1'),
    dataDir: path.resolve(nonEmpty('DATA_DIR', env.DATA_DIR ?? './data')),
    // Without PUBLIC_URL the app is where it listens (PORT=0, a free port, has no address to name in advance).
    publicUrl: parseHttpUrl('PUBLIC_URL', env.PUBLIC_URL ?? `http://localhost:${port || 3000}`),
    trustProxy: parseTrustProxy(env.TRUST_PROXY ?? ''),
    adminPassword: parseAdminPassword(env.ADMIN_PASSWORD),
    googleIssuerUrl: parseIssuerUrl(env.GOOGLE_ISSUER_URL ?? 'https://accounts.google.com'),
    logLevel: parseLogLevel(env.LOG_LEVEL ?? 'info'),
  };
}

function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw new ConfigError(`${name} must not be empty`);
  return value;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseHost(value: string): string {
  if (isIP(value) || /^[a-zA-Z0-9.-]+$/.test(value)) return value;
  throw new ConfigError(`HOST must be an IP address or a host name, got "${value}"`);
}

function parseHttpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http or https URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must use http or https, got "${url.protocol}"`);
  }
  if (url.username || url.password) throw new ConfigError(`${name} must not contain credentials`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

// Plain http only for a provider on this machine (tests, a local identity provider).
function parseIssuerUrl(value: string): URL {
  const url = parseHttpUrl('GOOGLE_ISSUER_URL', value);
  try {
    checkIssuerUrl(url.href);
  } catch {
    throw new ConfigError(`GOOGLE_ISSUER_URL must use https (plain http only on a loopback address), got "${value}"`);
  }
  return url;
}

function parseTrustProxy(value: string): string[] {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || extra !== undefined) {
      throw new ConfigError(`TRUST_PROXY must be a comma-separated list of IP addresses or CIDRs, got "${entry}"`);
    }
  }
  return entries;
}

function parseAdminPassword(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 8) throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters long');
  return value;
}

function parseLogLevel(value: string): string {
  if (!LOG_LEVELS.includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value;
}

/** True when sign-in cookies must be Secure and Google sign-in may be on. */
export function isHttps(config: Config): boolean {
  return config.publicUrl.protocol === 'https:';
}
