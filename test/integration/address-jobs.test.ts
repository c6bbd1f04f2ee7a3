import { OutboxMessage, RateLimitCounter } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Address jobs (issue 11 §10): a request queues one outbox row of channel `job`; the outbox worker
 * runs its handler, and the handler's writes and the row's deletion commit together.
 */
describe('address jobs', () => {
  let env: TestEnv;
  const seen: string[] = [];
  let failNext = 0;
  beforeAll(async () => {
    env = await createTestEnv({ env: { OUTBOX_RETRY_BASE: '1s', OUTBOX_RETRY_MAX: '1s' } });
    env.app.services.addressJobs.register('test-job', async (em, job) => {
      // A write of the job's own, to see it commit (or roll back) with the job row.
      await em.insert(RateLimitCounter, { key: `test-job:${job.address}:${seen.length}`, windowStartedAt: env.clock.now(), hits: 1 });
      if (failNext > 0) {
        failNext--;
        throw new Error('the handler failed');
      }
      seen.push(`${job.address} ${JSON.stringify(job.params)} ${job.ctx.requestId}`);
    });
  });
  afterAll(() => env?.stop());
  const rows = () => env.app.dataSource.getRepository(OutboxMessage).findBy({ channel: 'job' });
  const marks = () => env.app.dataSource.getRepository(RateLimitCounter).createQueryBuilder('c').where("c.key LIKE 'test-job:%'").getCount();

  it('queues one row with the address, runs the handler after commit, and leaves nothing behind', async () => {
    await env.app.services.addressJobs.enqueue('test-job', 'a@example.test', { n: 1 }, { requestId: 'req-1', ip: '10.1.1.1' });
    expect(await rows()).toEqual([expect.objectContaining({ recipient: 'a@example.test', template: 'test-job', status: 'queued' })]);
    expect(seen).toEqual([]);
    await env.workers.sendMail();
    expect(seen).toEqual(['a@example.test {"n":1} req-1']);
    expect(await rows()).toEqual([]);
    expect(await marks()).toBe(1);
  });

  it('rolls the handler’s writes back when it fails, and retries with the outbox’s backoff', async () => {
    failNext = 1;
    seen.length = 0;
    const before = await marks();
    await env.app.services.addressJobs.enqueue('test-job', 'b@example.test', {}, {});
    await env.workers.sendMail();
    expect(seen).toEqual([]);
    expect(await marks()).toBe(before);
    expect(await rows()).toEqual([expect.objectContaining({ status: 'queued', attempts: 1, lastError: 'the handler failed' })]);
    env.clock.advance('2s');
    await env.workers.sendMail();
    expect(seen).toEqual(['b@example.test {} undefined']);
    expect(await marks()).toBe(before + 1);
    expect(await rows()).toEqual([]);
  });

  it('rolls back when its claim was lost (the lease ran out and another process took the row)', async () => {
    seen.length = 0;
    const before = await marks();
    await env.app.services.addressJobs.enqueue('test-job', 'c@example.test', {}, {});
    const [claimed] = await env.app.services.outbox.claim(10);
    // Another process took the row over after the lease: one more attempt on the row.
    await env.app.dataSource.getRepository(OutboxMessage).update({ id: claimed.id }, { attempts: claimed.attempts + 1 });
    await expect(env.app.services.addressJobs.sender()(claimed)).rejects.toThrow(/taken over/);
    expect(await marks()).toBe(before);
    expect(await rows()).toHaveLength(1);
  });

  it('refuses a kind nobody handles', async () => {
    await expect(env.app.services.addressJobs.enqueue('no-such-job', 'd@example.test', {}, {})).rejects.toThrow(/No handler/);
  });
});
