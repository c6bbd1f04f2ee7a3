import { loadConfig } from '../../src/config';
import { passwordProblems } from '../../src/services/identity/password-policy';
import { PasswordHasher } from '../../src/services/identity/password-hasher';
import { slowdownDelay } from '../../src/services/rate-limit/rate-limit.service';

describe('identity settings', () => {
  it('reads rate limits written attempts/window', () => {
    const config = loadConfig({ RATE_LIMIT_SIGN_IN_ACCOUNT: '7/2h' });
    expect(config.RATE_LIMIT_SIGN_IN_ACCOUNT).toEqual({ limit: 7, windowMs: 7_200_000 });
    expect(loadConfig({}).RATE_LIMIT_SIGN_IN_IP).toEqual({ limit: 50, windowMs: 900_000 });
    expect(loadConfig({}).RATE_LIMIT_SIGN_IN_SLOWDOWN).toEqual({ limit: 10, windowMs: 900_000 });
  });

  it('slows sign-ins down by doubling waits, never longer than window/attempts', () => {
    const rule = loadConfig({}).RATE_LIMIT_SIGN_IN_SLOWDOWN;
    expect([9, 10, 11, 12, 15, 16, 17, 40].map((failures) => slowdownDelay(failures, rule))).toEqual([0, 1000, 2000, 4000, 32_000, 64_000, 90_000, 90_000]);
  });

  it.each([['5'], ['0/1m'], ['5/forever'], ['five/1m']])('refuses the rate limit %p with a clear message', (value) => {
    expect(() => loadConfig({ RATE_LIMIT_REGISTER_IP: value })).toThrow(/^Invalid setting RATE_LIMIT_REGISTER_IP: RATE_LIMIT_REGISTER_IP must be attempts\/window like 5\/15m/);
  });

  it('never echoes the app secret', () => {
    expect(() => loadConfig({ APP_SECRET: 'short-secret' })).toThrow('Invalid setting APP_SECRET: APP_SECRET must be at least 32 characters (e.g. openssl rand -base64 48) (got "***")');
  });
});

describe('passwords', () => {
  it('stores the scrypt parameters with the hash, verifies in constant time, and knows when to rehash', async () => {
    const weak = new PasswordHasher(4);
    const strong = new PasswordHasher(5);
    const hash = await weak.hash('a long passphrase');
    expect(hash).toMatch(/^scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await strong.verify('a long passphrase', hash)).toBe(true);
    expect(await strong.verify('a long passphrasE', hash)).toBe(false);
    expect(await strong.verify('a long passphrase', null)).toBe(false);
    expect(await strong.verify('a long passphrase', 'bcrypt$whatever')).toBe(false);
    expect(weak.needsRehash(hash)).toBe(false);
    expect(strong.needsRehash(hash)).toBe(true);
    expect(await weak.hash('a long passphrase')).not.toBe(hash);
  });

  it('explains every problem in words', () => {
    expect(passwordProblems('correct horse battery staple', 10)).toEqual([]);
    expect(passwordProblems('iloveyou', 10)).toEqual(['Use at least 10 characters (a few words make a good password).', 'This is one of the most commonly used passwords; choose one that is harder to guess.']);
    expect(passwordProblems('x'.repeat(129) + 'y', 10)).toEqual(['Use at most 128 characters.']);
    expect(passwordProblems('mary.smith.rocks!', 10, { email: 'mary.smith@example.com' })).toEqual(['Do not use your name, username or email address in your password.']);
  });
});

describe('secret box', () => {
  const { SecretBox } = require('../../src/util/secret-box') as typeof import('../../src/util/secret-box');
  it('opens what it sealed only with the same key and context, and refuses altered values', () => {
    const box = new SecretBox('k'.repeat(32), 'totp-secrets');
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'subject-1');
    expect(sealed).not.toBe(box.seal('JBSWY3DPEHPK3PXP', 'subject-1'));
    expect(box.open(sealed, 'subject-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'subject-2')).toBeNull();
    expect(new SecretBox('x'.repeat(32), 'totp-secrets').open(sealed, 'subject-1')).toBeNull();
    expect(new SecretBox('k'.repeat(32), 'recipient-secrets').open(sealed, 'subject-1')).toBeNull();
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(box.open(altered, 'subject-1')).toBeNull();
    expect(box.open('JBSWY3DPEHPK3PXP', 'subject-1')).toBeNull();
  });
});
