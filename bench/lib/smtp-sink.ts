import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/**
 * smtp-server waits a fixed 100 ms after each connection before its greeting (an "early talker"
 * spam check, not configurable). With the service's unpooled transport every mail is a new
 * connection, so both senders would measure that pause (~9 mails/s each) instead of themselves.
 * Mail submission servers greet at once, so the sink does too: the same start-up without the timer.
 * Patched in the runner's process only, where the sink runs.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SMTPConnection } = require('smtp-server/lib/smtp-connection.js') as { SMTPConnection: { prototype: Record<string, unknown> } };
SMTPConnection.prototype.init = function init(this: { _server: { options: { maxClients?: number }; connections: Set<unknown> }; name: string; _setListeners(cb: () => void): void; send(code: number, text: string, keep: boolean): void; connectionReady(): void }) {
  this._setListeners(() => {
    if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
      return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
    }
    this.connectionReady();
  });
};

/**
 * The local SMTP server of the outboxDispatch scenario, in the runner's process on 127.0.0.1: it
 * accepts every mail (no auth, no STARTTLS: plain SMTP on loopback, the same for both senders, so
 * neither pays TLS) and counts what it received per sender, so a round is only counted when every
 * mail arrived. Its CPU is the runner's, never a target's.
 */
export interface SmtpSink {
  url: string;
  /** Mails and bytes received since the last take(). */
  take(): { mails: number; bytes: number };
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let mails = 0;
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: process.env.SMTP_LOG === '1',
    // No reverse DNS of the client (its default): loopback only, and a lookup per connection would be the bottleneck.
    disableReverseLookup: true,
    // A round queues hundreds of mails, each on its own connection when the transport is not pooled.
    maxClients: 1000,
    onData(stream, _session, callback) {
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      stream.on('end', () => {
        mails++;
        bytes += size;
        callback();
      });
    },
  });
  server.on('error', (error) => console.error('bench smtp sink:', error.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    take() {
      const got = { mails, bytes };
      mails = 0;
      bytes = 0;
      return got;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
