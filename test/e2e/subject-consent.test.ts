import { AuditEvent, ConsentRecord, OutboxMessage } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { register } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const RECORD = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { __typename ... on ConsentState { purpose granted decision method givenBy } ... on ErrorResult { errorCode message } } }`;
const WITHDRAW = `mutation($purpose: String!) { withdrawConsent(input: { purpose: $purpose }) { __typename ... on ConsentState { purpose granted decision } ... on ErrorResult { errorCode message } } }`;
const ME = '{ me { consents { purpose kind granted needsDecision decision } } }';

describe('a subject’s own consents', () => {
  let env: TestEnv;
  let receiver: WebhookReceiver;
  let secret: string;
  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await startWebhookReceiver();
    const registered = await env.app.services.recipients.register({ name: 'Newsletter', description: 'Sends the newsletter', webhookUrl: receiver.url, events: ['consent_withdrawn'] });
    if (isDomainError(registered)) throw new Error(registered.message);
    secret = registered.secret;
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });

  it('shows every purpose undecided, records a grant, and withdraws it as easily, all audited', async () => {
    const user = await register(env);
    const before = (await env.gql(ME, {}, { token: user.token })).data.me.consents;
    expect(before.map((c: any) => c.purpose)).toEqual(['cookie.functional', 'cookie.analytics', 'cookie.performance', 'marketing.email', 'sale_share', 'child.collection', 'child.disclosure', 'child.feature.public_profile', 'child.feature.community_posting', 'child.feature.personalized_content']);
    expect(before.every((c: any) => !c.granted && c.needsDecision)).toBe(true);

    expect((await env.gql(RECORD, { input: { purpose: 'marketing.email', granted: true } }, { token: user.token })).data.recordConsent).toEqual({
      __typename: 'ConsentState', purpose: 'marketing.email', granted: true, decision: 'GRANTED', method: 'SETTINGS', givenBy: 'SELF',
    });
    expect((await env.gql(WITHDRAW, { purpose: 'marketing.email' }, { token: user.token })).data.withdrawConsent).toMatchObject({ granted: false, decision: 'WITHDRAWN' });

    const records = await env.app.dataSource.getRepository(ConsentRecord).find({ where: { subjectId: user.subjectId }, order: { id: 'ASC' } });
    expect(records.map((r) => r.decision)).toEqual(['granted', 'withdrawn']);
    const audit = await env.app.dataSource.getRepository(AuditEvent).find({ where: { action: 'consent.record' } });
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[0].categories)).toEqual(['preference']);
  });

  it('tells recipients subscribed to consent_withdrawn of a withdrawal (signed, through the outbox), not of a grant or a refusal', async () => {
    const user = await register(env);
    await env.workers.sendMail(); // what earlier tests queued
    receiver.received.length = 0;
    await env.gql(RECORD, { input: { purpose: 'marketing.email', granted: true } }, { token: user.token });
    await env.gql(RECORD, { input: { purpose: 'cookie.analytics', granted: false } }, { token: user.token });
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(0);

    await env.gql(WITHDRAW, { purpose: 'marketing.email' }, { token: user.token });
    expect(await env.app.dataSource.getRepository(OutboxMessage).findBy({ channel: 'webhook', template: 'consent_withdrawn', subjectId: user.subjectId })).toHaveLength(1);
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0];
    expect(hook.headers['consentry-event']).toBe('consent_withdrawn');
    expect(verifyWebhook(secret, String(hook.headers[SIGNATURE_HEADER.toLowerCase()]), hook.body, Math.floor(env.clock.now().getTime() / 1000))).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'consent_withdrawn', subjectId: user.subjectId, data: { purposes: ['marketing.email'], givenBy: 'self', method: 'settings' } });
    // Withdrawing what was never granted withdraws nothing: a refusal, no notice.
    await env.gql(WITHDRAW, { purpose: 'marketing.email' }, { token: user.token });
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
  });

  it.each([
    ['sale_share', /optOutOfSale/],
    ['child.collection', /parent/],
    ['newsletter.sms', /You cannot set "newsletter.sms"/],
  ])('refuses %s with a typed error and writes nothing', async (purpose, message) => {
    const user = await register(env);
    const res = (await env.gql(RECORD, { input: { purpose, granted: true } }, { token: user.token })).data.recordConsent;
    expect(res).toMatchObject({ __typename: 'InvalidConsentPurposeError', errorCode: 'INVALID_CONSENT_PURPOSE', message: expect.stringMatching(message) });
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ subjectId: user.subjectId })).toBe(0);
  });

  it('needs a session', async () => {
    const res = await env.gql(RECORD, { input: { purpose: 'marketing.email', granted: true } });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
