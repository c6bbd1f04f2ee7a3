import { OutboxMessage } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

describe('webhooks to downstream recipients', () => {
  let env: TestEnv;
  let receiver: WebhookReceiver;
  let secret: string;

  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await startWebhookReceiver();
    const registered = await env.app.services.recipients.register({ name: 'CRM', description: 'CRM', webhookUrl: receiver.url, events: ['erasure'] });
    if (isDomainError(registered)) throw new Error(registered.message);
    secret = registered.secret;
    await env.app.services.recipients.register({ name: 'Ads', description: 'Ad platform', webhookUrl: receiver.url, events: ['opt_out'] });
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });

  it('sends each subscribed recipient one signed notice after commit, and none before', async () => {
    const rows = await env.app.db.transaction((em) => env.app.services.recipientNotices.notify(em, 'erasure', { subjectId: 'subject-1', data: { categories: ['account'] } }));
    expect(rows).toHaveLength(1); // the opt_out-only recipient is not told
    expect(receiver.received).toHaveLength(0);
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0];
    expect(verifyWebhook(secret, String(headers[SIGNATURE_HEADER.toLowerCase()]), body, Math.floor(env.clock.now().getTime() / 1000))).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ type: 'erasure', subjectId: 'subject-1', data: { categories: ['account'] } });
    expect(headers['consentry-delivery']).toBe(rows[0].id);
    expect(await env.app.dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: rows[0].id })).toMatchObject({ status: 'sent', channel: 'webhook' });
  });

  it('retries with backoff while the receiver is down, then delivers the same body once', async () => {
    receiver.received.length = 0;
    receiver.setRefuse(true);
    const [row] = await env.app.db.transaction((em) => env.app.services.recipientNotices.notify(em, 'erasure', { subjectId: 'subject-2' }));
    await env.workers.sendMail();
    let stored = await env.app.dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: row.id });
    expect(stored).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringContaining('HTTP 503') });
    receiver.setRefuse(false);
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(0); // not due yet: backoff
    env.clock.advance('1h');
    await env.workers.sendMail();
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].body).toBe(JSON.parse(stored.params).body);
    stored = await env.app.dataSource.getRepository(OutboxMessage).findOneByOrFail({ id: row.id });
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('writes nothing when the transaction that would notify rolls back', async () => {
    const before = await env.app.dataSource.getRepository(OutboxMessage).count();
    await expect(
      env.app.db.transaction(async (em) => {
        await env.app.services.recipientNotices.notify(em, 'erasure', { subjectId: 'subject-3' });
        throw new Error('erasure failed');
      }),
    ).rejects.toThrow('erasure failed');
    expect(await env.app.dataSource.getRepository(OutboxMessage).count()).toBe(before);
  });
});
