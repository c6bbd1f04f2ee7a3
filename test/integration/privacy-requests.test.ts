import { AuditEvent, PrivacyRequest } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

describe('privacy requests', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(); // clock: Monday 2026-03-02 10:00 UTC
  });
  afterAll(() => env?.stop());

  it.each([
    ['access', '2026-04-01T10:00:00.000Z'], // policy: 30 days (stricter than GDPR's month)
    ['restriction', '2026-03-09T10:00:00.000Z'], // policy: 7 days
    ['rectification', '2026-03-17T10:00:00.000Z'], // policy: 15 days
    ['ccpa_know_categories', '2026-04-16T10:00:00.000Z'], // 45 calendar days
    ['ccpa_know_specific', '2026-04-16T10:00:00.000Z'],
    ['ccpa_correct', '2026-04-16T10:00:00.000Z'],
    ['objection', '2026-04-02T23:59:59.999Z'], // no promise of the policy: GDPR's month, to the end of the same date
    ['ccpa_opt_out', '2026-03-23T23:59:59.999Z'], // 15 business days
    ['coppa_parental_review', '2026-03-04T10:00:00.000Z'], // no deadline of its own: the 48-hour inquiry promise
  ])('a %s request is due %s', (type, due) => {
    expect(env.app.services.privacyRequests.dueDate(type, env.clock.now()).toISOString()).toBe(due);
  });

  it('opens, audits, lists as overdue after its due date, and closes with a §7101 record kept 24 months', async () => {
    const { privacyRequests } = env.app.services;
    const request = await env.app.db.transaction((em) =>
      privacyRequests.open(em, { type: 'restriction', subjectId: 'subject-9', manner: 'api', details: { purposes: ['personalization'] }, actor: { id: 'subject-9', role: 'subject' } }),
    );
    expect(request.status).toBe('received');
    expect(await privacyRequests.overdue()).toHaveLength(0);
    env.clock.advance('8d');
    expect((await privacyRequests.overdue()).map((r) => r.id)).toEqual([request.id]);
    await env.app.db.transaction((em) => privacyRequests.close(em, request.id, { status: 'completed', response: 'Personalization paused.' }));
    const closed = await env.app.dataSource.getRepository(PrivacyRequest).findOneByOrFail({ id: request.id });
    expect(closed).toMatchObject({ status: 'completed', response: 'Personalization paused.', respondedAt: env.clock.now() });
    expect(closed.retainUntil?.toISOString()).toBe('2028-03-10T10:00:00.000Z');
    expect(await privacyRequests.overdue()).toHaveLength(0);
    const audit = await env.app.dataSource.getRepository(AuditEvent).findOneByOrFail({ action: 'privacy_request.open' });
    expect(audit).toMatchObject({ subjectId: 'subject-9', actorRole: 'subject' });
  });
});
