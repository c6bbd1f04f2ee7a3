import { z } from 'zod';
import { HOLIDAY_CALENDARS } from './policy/calendar';
import { parseDuration } from './util/duration';

/**
 * Every setting of the service, read from the environment and validated once at start.
 * The README's configuration table lists the same names, defaults and meanings; keep them in step.
 */

const bool = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const duration = (name: string) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a duration like 500ms, 30s, 15m, 24h or 7d` });
      return z.NEVER;
    }
    return ms;
  });

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `${name} must be at least ${min}` }).max(max, { error: `${name} must be at most ${max}` }));

/** A rate limit written `attempts/window`, e.g. `5/15m`: at most 5 attempts per 15 minutes. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}
const rateLimit = (name: string) =>
  z.string().transform((v, ctx): RateLimitRule => {
    const match = /^(\d+)\/(.+)$/.exec(v.trim());
    const windowMs = match ? parseDuration(match[2]) : undefined;
    if (!match || windowMs === undefined || Number(match[1]) < 1 || windowMs < 1000) {
      ctx.addIssue({ code: 'custom', message: `${name} must be attempts/window like 5/15m` });
      return z.NEVER;
    }
    return { limit: Number(match[1]), windowMs };
  });

const databaseUrl = z.string().refine((v) => /^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/.test(v), {
  error: 'DATABASE_URL must be sqlite:<path> or mysql://user:pass@host:3306/db',
});

const httpUrl = (name: string) =>
  z
    .string()
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v), { error: `${name} must be an http(s) URL` })
    .transform((v) => v.replace(/\/+$/, ''));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'NODE_ENV must be development, production or test' }).default('development'),
  PORT: int('PORT', 0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: httpUrl('PUBLIC_URL').optional(),
  DATABASE_URL: databaseUrl.default('sqlite:var/consentry.sqlite'),
  MIGRATE_ON_START: bool('MIGRATE_ON_START').default(true),
  // MySQL/MariaDB: how long a statement waits for a row lock (then its transaction is retried), and
  // how long a connection may sit idle inside a transaction before MariaDB closes it (a frozen process).
  DB_LOCK_WAIT_TIMEOUT: duration('DB_LOCK_WAIT_TIMEOUT').default(5000),
  DB_IDLE_TRANSACTION_TIMEOUT: duration('DB_IDLE_TRANSACTION_TIMEOUT').default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  POLICY_FILE: z.string().min(1).optional(),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, { error: 'BODY_LIMIT must be a size like 100kb or 1mb' }).default('100kb'),
  GRAPHQL_MAX_DEPTH: int('GRAPHQL_MAX_DEPTH', 2, 100).default(12),
  GRAPHQL_MAX_COST: int('GRAPHQL_MAX_COST', 10, 1_000_000).default(5000),
  GRAPHQL_MAX_ALIASES: int('GRAPHQL_MAX_ALIASES', 1, 1000).default(30),
  GRAPHQL_MAX_TOKENS: int('GRAPHQL_MAX_TOKENS', 100, 100_000).default(1000),
  SHUTDOWN_TIMEOUT: duration('SHUTDOWN_TIMEOUT').default(10_000),
  // After SIGTERM: /readyz answers 503 and requests are still served this long (the balancer takes us out), then the port closes.
  SHUTDOWN_DRAIN: duration('SHUTDOWN_DRAIN').default(5_000),
  TRUST_PROXY: z.string().default('false'),
  APP_SECRET: z.string().min(32, { error: 'APP_SECRET must be at least 32 characters (e.g. openssl rand -base64 48)' }).optional(),
  AGE_GATE_RETRY_WINDOW: duration('AGE_GATE_RETRY_WINDOW').default(30 * 86_400_000),
  BUSINESS_CALENDAR: z.enum(HOLIDAY_CALENDARS, { error: `BUSINESS_CALENDAR must be one of ${HOLIDAY_CALENDARS.join(', ')}` }).default('us-federal'),
  BUSINESS_CLOSED_DAYS: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})(,\d{4}-\d{2}-\d{2})*$/, { error: 'BUSINESS_CLOSED_DAYS must be dates like 2026-12-24,2026-12-31' })
    .transform((v) => v.split(','))
    .default([]),
  COOKIE_CONSENT_LIFETIME: duration('COOKIE_CONSENT_LIFETIME').default(365 * 86_400_000),
  // Identity: passwords, sessions, second factor, audit pseudonyms, rate limits.
  PASSWORD_HASH_COST: int('PASSWORD_HASH_COST', 4, 20).default(15),
  PASSWORD_MIN_LENGTH: int('PASSWORD_MIN_LENGTH', 8, 64).default(10),
  SESSION_TTL: duration('SESSION_TTL').default(30 * 86_400_000),
  SESSION_IDLE_TIMEOUT: duration('SESSION_IDLE_TIMEOUT').default(7 * 86_400_000),
  ADMIN_SETUP_TTL: duration('ADMIN_SETUP_TTL').default(86_400_000),
  MFA_ISSUER: z.string().min(1).max(64).default('Consentry'),
  RATE_LIMIT_SIGN_IN_ACCOUNT: rateLimit('RATE_LIMIT_SIGN_IN_ACCOUNT').default({ limit: 5, windowMs: 15 * 60_000 }),
  RATE_LIMIT_SIGN_IN_IP: rateLimit('RATE_LIMIT_SIGN_IN_IP').default({ limit: 50, windowMs: 15 * 60_000 }),
  RATE_LIMIT_SIGN_IN_SLOWDOWN: rateLimit('RATE_LIMIT_SIGN_IN_SLOWDOWN').default({ limit: 10, windowMs: 15 * 60_000 }),
  RATE_LIMIT_REGISTER_ACCOUNT: rateLimit('RATE_LIMIT_REGISTER_ACCOUNT').default({ limit: 3, windowMs: 60 * 60_000 }),
  RATE_LIMIT_REGISTER_IP: rateLimit('RATE_LIMIT_REGISTER_IP').default({ limit: 20, windowMs: 60 * 60_000 }),
  RATE_LIMIT_REGISTER_CHILD_DEVICE: rateLimit('RATE_LIMIT_REGISTER_CHILD_DEVICE').default({ limit: 5, windowMs: 15 * 60_000 }),
  RATE_LIMIT_SECOND_FACTOR_ACCOUNT: rateLimit('RATE_LIMIT_SECOND_FACTOR_ACCOUNT').default({ limit: 5, windowMs: 15 * 60_000 }),
  RATE_LIMIT_SECOND_FACTOR_IP: rateLimit('RATE_LIMIT_SECOND_FACTOR_IP').default({ limit: 50, windowMs: 15 * 60_000 }),
  // Global Privacy Control: new devices recorded as opted out per client IP (over it the request still succeeds, unrecorded).
  RATE_LIMIT_GPC_DEVICE_IP: rateLimit('RATE_LIMIT_GPC_DEVICE_IP').default({ limit: 50, windowMs: 60 * 60_000 }),
  // Mail, outbox, timers and email links (workflow runtime)
  PRODUCT_NAME: z.string().min(1).max(80).default('Consentry'),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^\s/]+/.test(v), { error: 'SMTP_URL must be smtp://user:pass@host:587 or smtps://user:pass@host:465' })
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_DIR: z.string().min(1).default('var/mail'),
  // Production without SMTP_URL refuses to start unless this says mail files are wanted.
  ALLOW_FILE_MAIL: bool('ALLOW_FILE_MAIL').default(false),
  TIMER_POLL_INTERVAL: duration('TIMER_POLL_INTERVAL').default(1000),
  // How often each process sends the recipients one digest of the devices newly opted out by GPC.
  GPC_DIGEST_INTERVAL: duration('GPC_DIGEST_INTERVAL').default(60_000),
  OUTBOX_POLL_INTERVAL: duration('OUTBOX_POLL_INTERVAL').default(1000),
  OUTBOX_MAX_ATTEMPTS: int('OUTBOX_MAX_ATTEMPTS', 1, 100).default(8),
  OUTBOX_RETRY_BASE: duration('OUTBOX_RETRY_BASE').default(30_000),
  OUTBOX_RETRY_MAX: duration('OUTBOX_RETRY_MAX').default(3_600_000),
  WEBHOOK_TIMEOUT: duration('WEBHOOK_TIMEOUT').default(10_000),
  OUTBOX_SEND_TIMEOUT: duration('OUTBOX_SEND_TIMEOUT').default(120_000),
  // Mails claimed together and recorded sent in one commit: also how many a process that dies may send again.
  OUTBOX_BATCH_SIZE: int('OUTBOX_BATCH_SIZE', 1, 100).default(10),
  LINK_MAX_WRONG_ATTEMPTS: int('LINK_MAX_WRONG_ATTEMPTS', 1, 100).default(5),
  LINK_RATE_LIMIT: int('LINK_RATE_LIMIT', 1, 100_000).default(30),
  EMAIL_CHANGE_LINK_TTL: duration('EMAIL_CHANGE_LINK_TTL').default(86_400_000),
  REGISTRATION_LINK_TTL: duration('REGISTRATION_LINK_TTL').default(86_400_000),
  RATE_LIMIT_EMAIL_CHANGE_ACCOUNT: rateLimit('RATE_LIMIT_EMAIL_CHANGE_ACCOUNT').default({ limit: 5, windowMs: 60 * 60_000 }),
  // Erasure (GDPR Art 17, CCPA delete): step-up window, confirmation link lifetime, cancel window.
  ERASURE_REAUTH_WINDOW: duration('ERASURE_REAUTH_WINDOW').default(10 * 60_000),
  ERASURE_CONFIRM_TTL: duration('ERASURE_CONFIRM_TTL').default(48 * 3_600_000),
  ERASURE_CANCEL_WINDOW: duration('ERASURE_CANCEL_WINDOW').default(7 * 86_400_000),
  // Parental consent (COPPA §312.5)
  PARENTAL_CONSENT_EXPIRY: duration('PARENTAL_CONSENT_EXPIRY').default(14 * 86_400_000),
  PARENTAL_CONSENT_REMINDER: duration('PARENTAL_CONSENT_REMINDER').default(3 * 86_400_000),
  EMAIL_PLUS_DELAY: duration('EMAIL_PLUS_DELAY').default(86_400_000),
  PARENTAL_REVOKE_LINK_TTL: duration('PARENTAL_REVOKE_LINK_TTL').default(90 * 86_400_000),
  // Largest signed consent form a parent may upload (enforced while the upload streams); at most 20mb.
  PARENTAL_EVIDENCE_MAX_BYTES: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, { error: 'PARENTAL_EVIDENCE_MAX_BYTES must be a size like 5mb, 500kb or a number of bytes' })
    .transform((v) => {
      const [, n, unit] = /^(\d+)(b|kb|mb)?$/i.exec(v)!;
      const multiplier: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
      return Number(n) * multiplier[(unit ?? 'b').toLowerCase()];
    })
    .refine((n) => n >= 1024 && n <= 20 * 1024 * 1024, { error: 'PARENTAL_EVIDENCE_MAX_BYTES must be between 1kb and 20mb' })
    .default(5 * 1024 * 1024),
  // After a revocation the data serves no purpose (COPPA §312.10): kept this long for the parent to review or delete, then erased.
  PARENTAL_REVOKED_RETENTION: duration('PARENTAL_REVOKED_RETENTION').default(30 * 86_400_000),
  // Age-up: how long the teen's handover link (in the mail to the parent) works; then the settings stay as they are.
  TEEN_HANDOVER_LINK_TTL: duration('TEEN_HANDOVER_LINK_TTL').default(30 * 86_400_000),
});

type RawConfig = z.output<typeof configSchema>;

export interface Config extends RawConfig {
  /** Base URL used in links sent by mail: PUBLIC_URL, or http://localhost:PORT. */
  publicUrl: string;
  isProduction: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the settings from an environment (process.env by default). Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'configuration');
    const got = input[name] === undefined ? '' : ` (got ${JSON.stringify(redactSetting(name, input[name]))})`;
    throw new ConfigError(`Invalid setting ${name}: ${issue.message}${got}`);
  }
  const raw = parsed.data;
  if (raw.NODE_ENV === 'production') checkProduction(raw);
  return {
    ...raw,
    publicUrl: raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`,
    isProduction: raw.NODE_ENV === 'production',
    ...overrides,
  };
}

/** Settings that are fine on a developer's machine and dangerous in production: refused there, with the way out. */
function checkProduction(raw: RawConfig): void {
  if (!raw.SMTP_URL && !raw.ALLOW_FILE_MAIL) {
    throw new ConfigError(
      'Invalid setting SMTP_URL: production needs SMTP_URL; without it mails, with their live one-use links, are written as files to MAIL_DIR (set ALLOW_FILE_MAIL=true if that is what you want)',
    );
  }
  if (raw.PASSWORD_HASH_COST < 15) {
    throw new ConfigError(`Invalid setting PASSWORD_HASH_COST: PASSWORD_HASH_COST must be at least 15 in production (got "${raw.PASSWORD_HASH_COST}")`);
  }
}

/** Never echo a password from a URL back into a log line. */
export function redactSetting(name: string, value: string): string {
  if (/(KEY|SECRET)$/.test(name)) return '***';
  if (/URL$/.test(name)) return value.replace(/\/\/([^:@/]+):([^@/]*)@/, '//$1:***@');
  return value;
}
