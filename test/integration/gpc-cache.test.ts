import { ConsentRecord, PrivacyRequest } from '../../src/entities';
import { register } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/** The Global Privacy Control hot path: what it reads and writes when the signal repeats. */
describe('Global Privacy Control on the hot path', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const requestsOf = (subjectId: string) => env.app.dataSource.getRepository(PrivacyRequest).countBy({ subjectId, type: 'ccpa_opt_out' });
  const ctxFor = async () => {
    const user = await register(env);
    const { actor } = await env.app.services.sessions.authenticate(user.token);
    return { user, ctx: { gpc: true, actor, requestId: 'gpc-test' } };
  };

  it('opens one request for parallel signals of the same subject', async () => {
    const { user, ctx } = await ctxFor();
    await Promise.all(Array.from({ length: 5 }, () => env.app.services.optOut.applyGpc(ctx)));
    expect(await requestsOf(user.subjectId)).toBe(1);
  });

  it('does not look again while a target is known to be opted out, and looks again after the cache lifetime', async () => {
    const { user, ctx } = await ctxFor();
    await env.app.services.optOut.applyGpc(ctx);
    // Take the opt-out away behind the service's back: a cached target is not read again.
    await env.app.dataSource.getRepository(ConsentRecord).delete({ subjectId: user.subjectId, purpose: 'sale_share' });
    await env.app.services.optOut.applyGpc(ctx);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ subjectId: user.subjectId, purpose: 'sale_share' })).toBe(0);
    env.clock.advance('11m');
    await env.app.services.optOut.applyGpc(ctx);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ subjectId: user.subjectId, purpose: 'sale_share', method: 'gpc' })).toBe(1);
    expect(await requestsOf(user.subjectId)).toBe(2);
  });

  it('does nothing without the signal', async () => {
    const { user, ctx } = await ctxFor();
    await env.app.services.optOut.applyGpc({ ...ctx, gpc: false });
    expect(await requestsOf(user.subjectId)).toBe(0);
  });
});
