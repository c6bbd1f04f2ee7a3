import { randomUUID } from 'node:crypto';
import { OutboxMessage } from '../../src/entities';
import { createMailer } from '../../src/mail/mailer';
import { retryDelay } from '../../src/mail/outbox.service';
import { OutboxWorker } from '../../src/mail/outbox.worker';
import { SmtpSink } from '../helpers/smtp-sink';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { withTestFlow } from '../helpers/workflow-fixtures';

const startFlow = (env: TestEnv, email: string, locale = 'en') =>
  env.app.services.workflows.start({ machineId: 'test-flow', input: { email, locale } });

describe('mail without SMTP: .eml files', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...withTestFlow, env: { PRODUCT_NAME: 'Consentry Test', MAIL_FROM: '"Privacy" <privacy@m-exe.test>' } });
  });
  afterAll(() => env?.stop());

  it('writes nothing before the worker runs, then each mail once, rendered in the recipient language', async () => {
    const wf = await startFlow(env, 'anna@example.test', 'de-AT');
    expect(await env.mail.all()).toHaveLength(0);
    expect(await env.workers.sendMail()).toBe(1);
    expect(await env.workers.sendMail()).toBe(0);
    const mail = await env.mail.expectOne({ to: 'anna@example.test', template: 'test-confirm' });
    expect(mail.subject).toBe('Bestätigen Sie anna@example.test für Consentry Test');
    expect(mail.parsed.from?.text).toContain('privacy@m-exe.test');
    expect(mail.text).toContain('Consentry Test für m-exe.com');
    expect(mail.text).toContain('https://m-exe.com/privacy');
    // Escaped in HTML, plain in text.
    expect(mail.html).toContain('&lt;b&gt;jetzt&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>jetzt</b>');
    expect(mail.text).toContain('<b>jetzt</b>');
    const link = env.mail.linkIn(mail);
    expect(link).toMatch(new RegExp(`^${env.app.config.publicUrl}/l/[A-Za-z0-9_-]{43}$`));
    expect(mail.html).toContain(`href="${link}"`);
    const row = await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { workflowId: wf.id });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(mail.messageId).toBe(row.messageId);
    expect(mail.outboxId).toBe(row.id);
    // The link's token is not kept once the mail is out.
    expect(JSON.parse(row.params).link).toBe('[sent]');
    expect(row.params).not.toContain(link);
  });

  it('sends in English when the locale is unknown', async () => {
    await startFlow(env, 'bob@example.test', 'xx');
    await env.workers.sendMail();
    expect((await env.mail.expectOne({ to: 'bob@example.test' })).subject).toBe('Confirm bob@example.test for Consentry Test');
  });
});

describe('mail over SMTP', () => {
  let env: TestEnv;
  const sink = new SmtpSink();
  beforeAll(async () => {
    await sink.start();
    await sink.stop(); // SMTP is down at first: the port is known, nothing listens.
    env = await createTestEnv({ ...withTestFlow, env: { SMTP_URL: sink.url, OUTBOX_MAX_ATTEMPTS: '4', OUTBOX_RETRY_BASE: '1m', OUTBOX_RETRY_MAX: '10m' } });
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  const rows = () => env.app.dataSource.manager.find(OutboxMessage, { order: { createdAt: 'ASC' } });

  it('waits and retries with backoff while SMTP is down; when it is back every mail arrives once', async () => {
    for (let i = 0; i < 5; i++) await startFlow(env, `down-${i}@example.test`);
    expect(await env.workers.sendMail()).toBe(5);
    let all = await rows();
    expect(all.every((r) => r.status === 'queued' && r.attempts === 1 && /ECONNREFUSED|connect/i.test(r.lastError ?? ''))).toBe(true);
    // Backoff: 30–60 s after the first failure (base 1m, jittered to 50–100 %).
    for (const r of all) {
      const wait = r.nextAttemptAt.getTime() - env.clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(30_000);
      expect(wait).toBeLessThanOrEqual(60_000);
    }
    expect(await env.workers.sendMail()).toBe(0); // not due yet
    env.clock.advance('1m');
    expect(await env.workers.sendMail()).toBe(5);
    all = await rows();
    expect(all.every((r) => r.status === 'queued' && r.attempts === 2)).toBe(true);

    await sink.start();
    env.clock.advance('2m');
    expect(await env.workers.sendMail()).toBe(5);
    all = await rows();
    expect(all.every((r) => r.status === 'sent' && r.attempts === 3)).toBe(true);
    expect(sink.received).toHaveLength(5);
    expect([...sink.countsByMessageId().values()]).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(sink.received.map((m) => m.messageId))).toEqual(new Set(all.map((r) => r.messageId)));
    env.clock.advance('1d');
    expect(await env.workers.sendMail()).toBe(0);
    expect(sink.received).toHaveLength(5);
  });

  it('marks a message dead after the last attempt and sends it again when staff retry it', async () => {
    await sink.stop();
    await startFlow(env, 'dead@example.test');
    for (let i = 0; i < 4; i++) {
      await env.workers.sendMail();
      env.clock.advance('10m');
    }
    const dead = await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { recipient: 'dead@example.test' });
    expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
    expect(dead.lastError).toBeTruthy();
    expect(JSON.parse(dead.params).link).toMatch(/\/l\//); // still sendable
    expect(await env.workers.sendMail()).toBe(0);

    await sink.start();
    const retried = await env.app.services.outbox.retry(dead.id);
    expect(retried).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await env.workers.sendMail()).toBe(1);
    const arrived = sink.received.filter((m) => m.to === 'dead@example.test');
    expect(arrived).toHaveLength(1);
    expect(arrived[0].messageId).toBe(dead.messageId);
    expect(await env.app.services.outbox.retry(dead.id)).toMatchObject({ errorCode: 'OUTBOX_MESSAGE_NOT_RETRYABLE' });
    expect(await env.app.services.outbox.retry(randomUUID())).toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('forgets the address and parameters of a last mail to an erased person once it is dead too; staff cannot retry it', async () => {
    await sink.stop();
    const row = await env.app.db.transaction((em) =>
      env.app.services.outbox.enqueueEmail(em, { to: 'gone@example.test', template: 'test-confirm', locale: 'en', params: { childUsername: 'kid_gone' }, subjectId: null, forgetRecipientWhenSent: true }),
    );
    for (let i = 0; i < 3; i++) {
      await env.workers.sendMail();
      env.clock.advance('10m');
    }
    // Still retrying: the address is needed for the next attempt.
    expect(await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { id: row.id })).toMatchObject({ status: 'queued', recipient: 'gone@example.test' });
    await env.workers.sendMail();
    const dead = await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { id: row.id });
    expect(dead).toMatchObject({ status: 'dead', attempts: 4, recipient: '[erased]', params: '{}' });
    expect(dead.lastError).toBeTruthy();
    expect(JSON.stringify(dead)).not.toMatch(/gone@example\.test|kid_gone/);
    await sink.start();
    expect(await env.app.services.outbox.retry(dead.id)).toMatchObject({ errorCode: 'OUTBOX_MESSAGE_NOT_RETRYABLE', message: expect.stringContaining('forgotten') });
    expect(await env.workers.sendMail()).toBe(0);
  });

  it('re-sends a message whose sender died mid-send, with the same Message-ID, once its lease ran out (the same attempt)', async () => {
    await startFlow(env, 'lease@example.test');
    const claimed = await env.app.services.outbox.claim(10); // a process claims it … and dies
    expect(claimed).toHaveLength(1);
    expect(await env.workers.sendMail()).toBe(0); // leased: nobody else takes it
    env.clock.advance(env.app.config.OUTBOX_SEND_TIMEOUT);
    expect(await env.workers.sendMail()).toBe(1);
    const arrived = sink.received.filter((m) => m.to === 'lease@example.test');
    expect(arrived.map((m) => m.messageId)).toEqual([claimed[0].messageId]);
    // Taking over an expired lease is not a failed attempt (issue 11, item 16: it used to count).
    expect(await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { id: claimed[0].id })).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('never marks a message dead because its leases ran out, however often (OUTBOX_MAX_ATTEMPTS is 4 here)', async () => {
    await startFlow(env, 'stalled@example.test');
    for (let i = 0; i < 6; i++) {
      // A sender takes it and stalls past its lease, again and again.
      const claimed = await env.app.services.outbox.claim(10);
      expect(claimed.map((row) => [row.recipient, row.status, row.attempts])).toEqual([['stalled@example.test', 'sending', 1]]);
      env.clock.advance(env.app.config.OUTBOX_SEND_TIMEOUT);
    }
    expect(await env.workers.sendMail()).toBe(1);
    expect(await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { recipient: 'stalled@example.test' })).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sink.received.filter((m) => m.to === 'stalled@example.test')).toHaveLength(1);
  });

  it('lets a sender whose lease was taken over record nothing: neither sent nor failed', async () => {
    await startFlow(env, 'overtaken@example.test');
    const [first] = await env.app.services.outbox.claim(10);
    env.clock.advance(env.app.config.OUTBOX_SEND_TIMEOUT);
    const [second] = await env.app.services.outbox.claim(10); // another process takes it over
    expect(second.nextAttemptAt.getTime()).toBeGreaterThan(first.nextAttemptAt.getTime());
    await env.app.services.outbox.markFailed(first, new Error('the first sender woke up to an error'));
    await env.app.services.outbox.markSent(first);
    expect(await env.app.services.outbox.renewLease([first])).toEqual([]);
    expect(await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { id: first.id })).toMatchObject({ status: 'sending', attempts: 1, lastError: null, nextAttemptAt: second.nextAttemptAt });
    await env.app.services.outbox.markSent(second);
    expect(await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { id: first.id })).toMatchObject({ status: 'sent' });
  });
});

describe('a mail server slower than lease ÷ batch', () => {
  let env: TestEnv;
  const sink = new SmtpSink();
  beforeAll(async () => {
    await sink.start();
    // A 2-minute lease (the default) for a batch of 5 mails of 40 s each (the mailer allows 50 s).
    env = await createTestEnv({ ...withTestFlow, env: { SMTP_URL: sink.url, OUTBOX_BATCH_SIZE: '5', OUTBOX_SEND_TIMEOUT: '2m' } });
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('delivers each mail once, while another process polls all along, and records each as one attempt', async () => {
    for (let i = 0; i < 5; i++) await startFlow(env, `slow-${i}@example.test`);
    // Each mail takes 40 s of the service's clock (and a little real time, for the other worker to run).
    sink.beforeAccept = async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      env.clock.advance('40s');
    };
    // The other process: the same worker code over the same database.
    const { services, config, logger } = env.app;
    const other = new OutboxWorker(services.outbox, services.workflows.registry, createMailer(config, logger), config, services.site, logger);
    let sending = true;
    const first = env.app.outboxWorker.runOnce().finally(() => (sending = false));
    let otherClaimed = 0;
    while (sending) {
      otherClaimed += await other.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await first).toBe(5);
    // Before: the lease ran out after the third mail, the other process took the rest over and sent
    // them again, and each takeover counted as a failed attempt.
    expect(otherClaimed).toBe(0);
    expect(sink.received).toHaveLength(5);
    expect([...sink.countsByMessageId().values()]).toEqual([1, 1, 1, 1, 1]);
    const rows = await env.app.dataSource.manager.find(OutboxMessage);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 5 }, () => ['sent', 1]));
    other.stop();
  });
});

describe('batches: claimed together, recorded sent in one commit', () => {
  let env: TestEnv;
  const sink = new SmtpSink();
  beforeAll(async () => {
    await sink.start();
    env = await createTestEnv({ ...withTestFlow, env: { SMTP_URL: sink.url, OUTBOX_BATCH_SIZE: '3' } });
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  const m = () => env.app.dataSource.manager;
  const queue = async (prefix: string, n: number) => {
    for (let i = 0; i < n; i++) await startFlow(env, `${prefix}-${i}@example.test`);
  };

  it('claims OUTBOX_BATCH_SIZE rows per run and records each batch in one transaction', async () => {
    await queue('batch', 7);
    const transactions = jest.spyOn(env.app.db, 'transaction');
    try {
      expect(await env.app.outboxWorker.runOnce()).toBe(3);
      expect(transactions).toHaveBeenCalledTimes(2); // the claim, the record of three sends
      expect(await m().countBy(OutboxMessage, { status: 'sent' })).toBe(3);
      expect(await m().countBy(OutboxMessage, { status: 'queued' })).toBe(4);
      expect(await env.workers.sendMail()).toBe(4);
    } finally {
      transactions.mockRestore();
    }
    const rows = await m().find(OutboxMessage);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.sentAt !== null)).toBe(true);
    expect(rows.every((r) => JSON.parse(r.params).link === '[sent]')).toBe(true);
    expect([...sink.countsByMessageId().values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('records only the rows this claim still holds, and keeps the others for their new holder', async () => {
    await queue('lost', 3);
    const claimed = await env.app.services.outbox.claim(3);
    expect(claimed).toHaveLength(3);
    // The lease of the second ran out and another process took it over (a new lease) while this one sent.
    const takenOver = new Date(claimed[1].nextAttemptAt.getTime() + 60_000);
    await m().update(OutboxMessage, { id: claimed[1].id }, { nextAttemptAt: takenOver });
    await env.app.services.outbox.markSent(claimed);
    expect(await m().findOneByOrFail(OutboxMessage, { id: claimed[0].id })).toMatchObject({ status: 'sent' });
    expect(await m().findOneByOrFail(OutboxMessage, { id: claimed[1].id })).toMatchObject({ status: 'sending', nextAttemptAt: takenOver, sentAt: null });
    expect(JSON.parse((await m().findOneByOrFail(OutboxMessage, { id: claimed[1].id })).params).link).toMatch(/\/l\//);
    expect(await m().findOneByOrFail(OutboxMessage, { id: claimed[2].id })).toMatchObject({ status: 'sent' });
  });

  it('when one row cannot be recorded (its sent hook throws), records the others of the batch one by one', async () => {
    await queue('hook', 3);
    const claimed = await env.app.services.outbox.claim(3);
    const bad = claimed[1].id;
    env.app.services.outbox.onSent(async (_em, row) => {
      if (row.id === bad) throw new Error('hook failed');
    });
    await expect(env.app.services.outbox.markSent(claimed)).rejects.toThrow('hook failed');
    expect(await m().findOneByOrFail(OutboxMessage, { id: claimed[0].id })).toMatchObject({ status: 'sent' });
    expect(await m().findOneByOrFail(OutboxMessage, { id: bad })).toMatchObject({ status: 'sending', sentAt: null });
    expect(await m().findOneByOrFail(OutboxMessage, { id: claimed[2].id })).toMatchObject({ status: 'sent' });
  });
});

describe('retry backoff', () => {
  it('doubles per attempt, is capped, and is jittered to 50–100 %', () => {
    expect(retryDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelay(2, 1000, 60_000, () => 1)).toBe(2000);
    expect(retryDelay(5, 1000, 60_000, () => 1)).toBe(16_000);
    expect(retryDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelay(3, 1000, 60_000, () => 0)).toBe(2000);
  });
});
