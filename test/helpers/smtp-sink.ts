import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type CapturedMail } from './mail-capture';

export const SMTP_USER = 'mailer';
export const SMTP_PASS = 'smtp-test-password';

/** A real SMTP server inside the test (smtp-server), with auth, that keeps and parses what arrives. */
export class SmtpSink {
  readonly received: CapturedMail[] = [];
  /** Runs before each message is accepted (e.g. to make the server slow); the client waits for it. */
  beforeAccept?: () => Promise<void> | void;
  private server?: SMTPServer;
  port = 0;

  /** Starts listening (on `port`, or a free one the first time). */
  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) =>
        auth.username === SMTP_USER && auth.password === SMTP_PASS ? cb(null, { user: auth.username }) : cb(new Error('Invalid username or password')),
      onData: (stream, _session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          Promise.resolve(this.beforeAccept?.())
            .then(() => parseMail(Buffer.concat(chunks)))
            .then(
              (mail) => {
                this.received.push(mail);
                cb();
              },
              (error: Error) => cb(error),
            );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${this.port}`;
  }

  /** How often each Message-ID arrived. */
  countsByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    return counts;
  }
}
