import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupError } from '../errors';

/**
 * Keyed hashes with the app secret: a value that must be matched later but never stored in the
 * clear (a device id, a date of birth) is stored as HMAC-SHA-256(secret, purpose + value). A small
 * value space (dates of birth) cannot be brute-forced without the secret.
 */
export class Keyring {
  constructor(private readonly secret: string) {}

  key(purpose: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\u0000${value}`).digest('hex');
  }
}

/**
 * The secret: APP_SECRET, or (outside production) one generated once and kept in `file`, so a
 * bare `npm start` works and its keyed hashes survive restarts.
 */
export function resolveAppSecret(configured: string | undefined, isProduction: boolean, file: string): string {
  if (configured) return configured;
  if (isProduction) throw new Error('APP_SECRET must be set in production: the same long random value in every process');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The app secret for a config, from APP_SECRET or var/app-secret (see resolveAppSecret); one line on failure. */
export function appSecretFor(config: { APP_SECRET?: string; isProduction: boolean }): string {
  try {
    return resolveAppSecret(config.APP_SECRET, config.isProduction, 'var/app-secret');
  } catch (error) {
    throw new StartupError(`Invalid setting APP_SECRET: ${(error as Error).message}`);
  }
}

/** A key of its own for one purpose (audit pseudonyms, link CSRF tokens), derived from the app secret. */
export function deriveSecret(appSecret: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', appSecret, Buffer.alloc(0), `consentry:${purpose}`, 32)).toString('hex');
}
