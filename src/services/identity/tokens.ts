import { createHash, randomBytes } from 'node:crypto';

/** An opaque bearer or one-time token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** What is stored instead of a token: its SHA-256 (hex). A token has 256 bits of entropy, so no salt or slow hash is needed. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
