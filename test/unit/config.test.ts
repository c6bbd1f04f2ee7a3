import { ConfigError, loadConfig } from '../../src/config';
import { parseDuration } from '../../src/util/duration';

describe('config', () => {
  it('has defaults that run on a bare machine', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.DATABASE_URL).toBe('sqlite:var/consentry.sqlite');
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.isProduction).toBe(false);
    expect(config.SHUTDOWN_TIMEOUT).toBe(10_000);
  });

  it('reads and converts values, treating empty strings as unset', () => {
    const config = loadConfig({ PORT: '8080', MIGRATE_ON_START: 'false', SHUTDOWN_TIMEOUT: '30s', PUBLIC_URL: 'https://consent.example.com/', NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com:587', LOG_LEVEL: '' });
    expect(config.PORT).toBe(8080);
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(config.SHUTDOWN_TIMEOUT).toBe(30_000);
    expect(config.publicUrl).toBe('https://consent.example.com');
    expect(config.isProduction).toBe(true);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid setting PORT: PORT must be a whole number between 0 and 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid setting PORT: PORT must be at most 65535/],
    [{ DATABASE_URL: 'postgres://x' }, /^Invalid setting DATABASE_URL: .*sqlite:<path> or mysql:/],
    [{ MIGRATE_ON_START: 'maybe' }, /^Invalid setting MIGRATE_ON_START: MIGRATE_ON_START must be true or false/],
    [{ SHUTDOWN_TIMEOUT: '10 minutes' }, /^Invalid setting SHUTDOWN_TIMEOUT: .*duration/],
    [{ NODE_ENV: 'staging' }, /^Invalid setting NODE_ENV:/],
    [{ PUBLIC_URL: 'consent.example.com' }, /^Invalid setting PUBLIC_URL: PUBLIC_URL must be an http\(s\) URL/],
    [{ BUSINESS_CALENDAR: 'gb' }, /^Invalid setting BUSINESS_CALENDAR: BUSINESS_CALENDAR must be one of us-federal, uk-england-wales, de, fr, none \(got "gb"\)$/],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('in production', () => {
    const production = { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com:587', APP_SECRET: 'x'.repeat(40) };

    it('refuses to start without SMTP_URL (mail files would hold live one-use links) unless ALLOW_FILE_MAIL=true', () => {
      const { SMTP_URL: _, ...withoutSmtp } = production;
      expect(() => loadConfig(withoutSmtp)).toThrow(ConfigError);
      expect(() => loadConfig(withoutSmtp)).toThrow(/^Invalid setting SMTP_URL: production needs SMTP_URL; .*\(set ALLOW_FILE_MAIL=true if that is what you want\)$/);
      expect(() => loadConfig({ ...withoutSmtp, ALLOW_FILE_MAIL: 'false' })).toThrow(/^Invalid setting SMTP_URL:/);
      expect(loadConfig({ ...withoutSmtp, ALLOW_FILE_MAIL: 'true' }).ALLOW_FILE_MAIL).toBe(true);
      expect(loadConfig(production).SMTP_URL).toBe('smtp://mail.example.com:587');
      // Outside production a bare machine writes mail files as before.
      expect(loadConfig({}).ALLOW_FILE_MAIL).toBe(false);
    });

    it('refuses a password hash cost below 15', () => {
      expect(() => loadConfig({ ...production, PASSWORD_HASH_COST: '4' })).toThrow(/^Invalid setting PASSWORD_HASH_COST: PASSWORD_HASH_COST must be at least 15 in production \(got "4"\)$/);
      expect(() => loadConfig({ ...production, PASSWORD_HASH_COST: '14' })).toThrow(ConfigError);
      expect(loadConfig({ ...production, PASSWORD_HASH_COST: '15' }).PASSWORD_HASH_COST).toBe(15);
      expect(loadConfig(production).PASSWORD_HASH_COST).toBe(15);
      expect(loadConfig({ PASSWORD_HASH_COST: '4' }).PASSWORD_HASH_COST).toBe(4);
    });
  });

  it.each(['us-federal', 'uk-england-wales', 'de', 'fr', 'none'])('accepts the business calendar %s', (name) => {
    expect(loadConfig({ BUSINESS_CALENDAR: name }).BUSINESS_CALENDAR).toBe(name);
  });

  it('never echoes a database password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:s3cret@db/x', PORT: 'x' })).toThrow(/PORT/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:s3cret@db' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '7', 'd', '1.5h', '-1d', '7 days'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
