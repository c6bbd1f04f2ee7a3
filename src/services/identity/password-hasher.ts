import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt from node:crypto: memory-hard (costly to attack on GPUs and ASICs)
 * and with no native dependency to build. The parameters live here and in the config
 * (PASSWORD_HASH_COST = log2 N) and are stored with each hash, so they can be raised later:
 * a hash made with weaker parameters still verifies and is replaced at the next sign-in.
 *
 * Stored form: `scrypt$ln=15,r=8,p=1$<salt base64>$<key base64>`.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. 15 (N = 32768, 32 MiB with r = 8) is OWASP's minimum for scrypt. */
  ln: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export class PasswordHasher {
  private readonly params: ScryptParams;
  private dummy?: Promise<string>;

  constructor(cost: number) {
    this.params = { ln: cost, r: 8, p: 1 };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.params);
    const { ln, r, p } = this.params;
    return `scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** Constant-time comparison of the derived key; false for a malformed or missing hash. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const match = stored ? FORMAT.exec(stored) : null;
    if (!match) {
      await this.verifyDummy(password);
      return false;
    }
    const expected = Buffer.from(match[5], 'base64');
    const key = await derive(password, Buffer.from(match[4], 'base64'), { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) });
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  /**
   * Spends the same time as a real check, for unknown accounts: an attacker cannot tell from the
   * answer or its timing whether an email has an account.
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    const stored = FORMAT.exec(await this.dummy)!;
    await derive(password, Buffer.from(stored[4], 'base64'), this.params);
  }

  /** True when the stored hash was made with other parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const match = FORMAT.exec(stored);
    return !match || Number(match[1]) !== this.params.ln || Number(match[2]) !== this.params.r || Number(match[3]) !== this.params.p;
  }
}
