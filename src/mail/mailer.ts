import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** One mail, rendered and addressed; `messageId` is the outbox row's stable Message-ID. */
export interface OutgoingMail {
  outboxId: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** The links in the mail (logged by the file mailer so a bare machine can follow them). */
  links: string[];
}

/** Everything outside the process that takes mail. Throws when the mail was not accepted. */
export interface Mailer {
  readonly kind: string;
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
}

function message(mail: OutgoingMail) {
  return { messageId: mail.messageId, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers };
}

/** Real SMTP (smtp:// with STARTTLS when offered, or smtps://), with auth from the URL. */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  private readonly transport;

  constructor(url: string) {
    this.transport = nodemailer.createTransport(url, {});
    // Bounded: a hung server must fail the attempt well within OUTBOX_SEND_TIMEOUT.
    Object.assign((this.transport as unknown as { options: Record<string, unknown> }).options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail(message(mail));
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * No SMTP configured: each mail becomes `<MAIL_DIR>/<outbox id>.eml` (written whole, then renamed into
 * place; a resend overwrites the same file). The files hold live one-use links, so the directory is
 * created 0700 and every file 0600. Outside production the links also go to the log, so a bare machine
 * can follow them; in production (ALLOW_FILE_MAIL=true) they never do.
 */
export class FileMailer implements Mailer {
  readonly kind = 'file';
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  readonly dir: string;

  constructor(
    dir: string,
    private readonly logger: Logger,
    private readonly logLinks = true,
  ) {
    this.dir = resolve(dir);
  }

  async send(mail: OutgoingMail): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const info = (await this.transport.sendMail(message(mail))) as unknown as { message: Buffer };
    const file = join(this.dir, `${mail.outboxId}.eml`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, info.message, { mode: 0o600 });
    renameSync(tmp, file);
    if (this.logLinks) this.logger.info({ outboxId: mail.outboxId, file, links: mail.links }, 'mail written to file (no SMTP_URL set)');
    else this.logger.info({ outboxId: mail.outboxId, file }, 'mail written to file (no SMTP_URL set)');
  }
}

export function createMailer(config: Config, logger: Logger): Mailer {
  if (config.SMTP_URL) return new SmtpMailer(config.SMTP_URL);
  if (config.isProduction) {
    // Only reached with ALLOW_FILE_MAIL=true (config refuses production without SMTP_URL otherwise).
    logger.warn({ mailDir: resolve(config.MAIL_DIR) }, 'NO MAIL IS SENT: SMTP_URL is not set and ALLOW_FILE_MAIL=true, so every mail (with its one-use links) is only written to MAIL_DIR; set SMTP_URL');
  }
  return new FileMailer(config.MAIL_DIR, logger, !config.isProduction);
}
