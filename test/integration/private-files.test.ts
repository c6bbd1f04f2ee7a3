import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { createLogger } from '../../src/logger';
import { createMailer, FileMailer, type OutgoingMail } from '../../src/mail/mailer';
import { resolveAppSecret } from '../../src/util/keyring';

/** Files the service writes hold personal data or live one-use links: owner-only, and links stay out of production logs. */
describe('files the service writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (path: string) => statSync(path).mode & 0o777;
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { logger: createLogger('info', stream), lines };
  }
  const mail = (outboxId: string): OutgoingMail => ({
    outboxId,
    messageId: `<${outboxId}@example.test>`,
    from: 'no-reply@example.test',
    to: 'parent@example.test',
    subject: 'Confirm',
    text: 'Open https://consent.example.test/l/live-one-use-token',
    html: '<p>Open</p>',
    headers: {},
    links: ['https://consent.example.test/l/live-one-use-token'],
  });

  it('writes each mail 0600 in a mail directory it creates 0700, and logs its links only outside production', async () => {
    const { logger, lines } = capture();
    const mailDir = join(dir, 'mail');
    await new FileMailer(mailDir, logger).send(mail('m1'));
    expect(mode(mailDir)).toBe(0o700);
    expect(mode(join(mailDir, 'm1.eml'))).toBe(0o600);
    expect(JSON.stringify(lines)).toContain('live-one-use-token');

    const production = capture();
    const mailer = createMailer(loadConfig({ NODE_ENV: 'production', ALLOW_FILE_MAIL: 'true', MAIL_DIR: mailDir }), production.logger);
    expect(mailer.kind).toBe('file');
    await mailer.send(mail('m2'));
    expect(mode(join(mailDir, 'm2.eml'))).toBe(0o600);
    expect(JSON.stringify(production.lines)).not.toContain('live-one-use-token');
    expect(production.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^NO MAIL IS SENT: SMTP_URL is not set/) }));
    expect(production.lines).toContainEqual(expect.objectContaining({ msg: 'mail written to file (no SMTP_URL set)', outboxId: 'm2' }));
  });

  it('creates the SQLite database (and its WAL) 0600 in a directory it creates 0700', async () => {
    const file = join(dir, 'data', 'consentry.sqlite');
    const dataSource = createDataSource({ url: `sqlite:${file}`, synchronize: true });
    await dataSource.initialize();
    try {
      await dataSource.query('CREATE TABLE t (x integer)');
      await dataSource.query('INSERT INTO t VALUES (1)');
      expect(mode(join(dir, 'data'))).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
    } finally {
      await dataSource.destroy();
    }
  });

  it('keeps the generated app secret 0600 in a directory it creates 0700', () => {
    const file = join(dir, 'var', 'app-secret');
    const secret = resolveAppSecret(undefined, false, file);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'var'))).toBe(0o700);
    expect(resolveAppSecret(undefined, false, file)).toBe(secret);
  });
});
