import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDomainError } from '../../src/errors';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import type { TestEnv } from './test-env';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** While true the receiver answers 503 (a recipient that is down). */
  setRefuse(refuse: boolean): void;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records the webhooks it accepts, and can refuse for a while. */
export function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let refuse = false;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (refuse) {
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        received,
        setRefuse: (v) => (refuse = v),
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** A webhook body as Consentry sends it. */
export interface Notice {
  id: string;
  type: string;
  occurredAt: string;
  subjectId: string | null;
  data: Record<string, any>;
}

export interface RegisteredReceiver extends WebhookReceiver {
  secret: string;
  /** The bodies received so far, each signature checked against the secret as of its own time (a bad one throws). */
  notices(): Notice[];
}

/** A receiver registered with the app as a recipient of these events. */
export async function startRegisteredReceiver(env: TestEnv, events: string[]): Promise<RegisteredReceiver> {
  const receiver = await startWebhookReceiver();
  const registered = await env.app.services.recipients.register({ name: `Receiver ${receiver.url}`, description: 'A downstream service in a test', webhookUrl: receiver.url, events });
  if (isDomainError(registered)) throw new Error(registered.message);
  return {
    ...receiver,
    secret: registered.secret,
    notices: () =>
      receiver.received.map((hook) => {
        const header = String(hook.headers[SIGNATURE_HEADER.toLowerCase()]);
        // The clock of a test moves on after delivery: the MAC is checked at the signature's time.
        const signedAt = Number(/(?:^|,)t=(\d+)/.exec(header)?.[1]);
        if (!verifyWebhook(registered.secret, header, hook.body, signedAt)) throw new Error(`bad signature on ${hook.body}`);
        return JSON.parse(hook.body) as Notice;
      }),
  };
}
