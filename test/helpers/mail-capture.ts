import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface CapturedMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
  outboxId: string;
  messageId: string;
  parsed: ParsedMail;
}

/** The mails the app really wrote (.eml files under its MAIL_DIR), parsed with mailparser. */
export class MailCapture {
  constructor(readonly dir: string) {}

  async all(): Promise<CapturedMail[]> {
    if (!existsSync(this.dir)) return [];
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.eml'));
    const mails = await Promise.all(files.map((file) => parseMail(readFileSync(join(this.dir, file)), file)));
    return mails.sort((a, b) => a.file.localeCompare(b.file));
  }

  async find(filter: { to?: string; template?: string } = {}): Promise<CapturedMail[]> {
    return (await this.all()).filter((m) => (!filter.to || m.to === filter.to) && (!filter.template || m.template === filter.template));
  }

  /** The one mail matching the filter; fails the test when there are none or several. */
  async expectOne(filter: { to?: string; template?: string }): Promise<CapturedMail> {
    const found = await this.find(filter);
    if (found.length !== 1) throw new Error(`expected one mail ${JSON.stringify(filter)}, found ${found.length}`);
    return found[0];
  }

  /** The action link (…/l/<token>) in a mail's text. */
  linkIn(mail: CapturedMail): string {
    const match = /https?:\/\/\S+\/l\/[A-Za-z0-9_-]+/.exec(mail.text);
    if (!match) throw new Error(`no action link in mail ${mail.subject}`);
    return match[0];
  }
}

export async function parseMail(raw: Buffer | string, file = ''): Promise<CapturedMail> {
  const parsed = await simpleParser(raw);
  const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
  return {
    file,
    to: to?.value[0]?.address ?? '',
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    template: String(parsed.headers.get('x-consentry-template') ?? ''),
    outboxId: String(parsed.headers.get('x-consentry-outbox-id') ?? ''),
    messageId: parsed.messageId ?? '',
    parsed,
  };
}
