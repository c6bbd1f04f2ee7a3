import nodemailer from 'nodemailer';
import { createServer } from 'node:http';
import type { OutgoingMail } from '../../src/mail/mailer';
import { answerBenchHooks, reportReady } from './hooks';

/**
 * Baseline of outboxDispatch: nodemailer sending the service's rendered message straight to the
 * same local SMTP server, one after another (the outbox worker sends one at a time too), with the
 * transport the service's SmtpMailer builds (src/mail/mailer.ts: `createTransport(url, {})`, not
 * pooled, the same timeouts). If that transport changes (a pool, other options), change it here too.
 * Each copy gets its own Message-ID, as each outbox row has. No database, no rendering: the limit
 * of sending with nodemailer.
 */
const url = process.env.BENCH_SMTP_URL;
if (!url) throw new Error('BENCH_SMTP_URL is not set: this target is started by bench/run.ts for outboxDispatch');
const transport = nodemailer.createTransport(url, {});
Object.assign((transport as unknown as { options: Record<string, unknown> }).options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });

let seq = 0;
process.on('message', (msg: { type: string; id: number; n?: number; mail?: OutgoingMail }) => {
  if (msg.type !== 'outbox-send' || !msg.mail) return;
  const mail = msg.mail;
  (async () => {
    for (let i = 0; i < (msg.n ?? 0); i++) {
      const messageId = `<bench-direct-${process.pid}-${++seq}@bench.example>`;
      await transport.sendMail({ messageId, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
    }
  })().then(
    () => process.send?.({ type: 'outbox-sent', id: msg.id, sent: msg.n }),
    (error: Error) => process.send?.({ type: 'outbox-sent', id: msg.id, error: error.message }),
  );
});

// No HTTP is measured here; the server only gives the runner a port to wait for, like every target.
const server = createServer((_req, res) => res.writeHead(404).end());
server.listen(0, '127.0.0.1', () => {
  answerBenchHooks(() => {
    transport.close();
    server.close();
  });
  reportReady(server, 'nodemailer');
});
