import { AuditEvent, LegalHold, Recipient } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { signWebhook, verifyWebhook } from '../../src/services/recipient.service';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const staff = { subjectId: 'staff-1', role: 'staff', requestId: 'req-1', ip: '127.0.0.1' };

describe('legal holds', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('places and releases a hold, audited against the subject', async () => {
    const { legalHolds } = env.app.services;
    const hold = await legalHolds.place(staff, { subjectId: 'subject-1', reason: 'dispute_resolution', note: 'Chargeback case 42' });
    if (isDomainError(hold)) throw new Error(hold.message);
    expect(await legalHolds.active('subject-1')).toHaveLength(1);
    env.clock.advance('2d');
    const released = await legalHolds.release(staff, hold.id);
    expect(released).toMatchObject({ releasedBy: 'staff-1', releasedAt: env.clock.now() });
    expect(await legalHolds.active('subject-1')).toHaveLength(0);
    expect(await legalHolds.all('subject-1')).toHaveLength(1);
    const audit = await env.app.dataSource.getRepository(AuditEvent).find({ where: { subjectId: 'subject-1' }, order: { seq: 'ASC' } });
    expect(audit.map((a) => a.action)).toEqual(['legal_hold.place', 'legal_hold.release']);
    expect(audit[0].details).not.toContain('Chargeback'); // staff notes stay out of the audit trail
  });

  it('refuses a reason the policy does not name, an unknown hold and a second release; nothing written', async () => {
    const { legalHolds } = env.app.services;
    const before = await env.app.dataSource.getRepository(LegalHold).count();
    expect(await legalHolds.place(staff, { subjectId: 's', reason: 'because', note: 'x' })).toMatchObject({ errorCode: 'INVALID_HOLD_REASON_ERROR' });
    expect(await legalHolds.release(staff, 'no-such-hold')).toMatchObject({ errorCode: 'NOT_FOUND_ERROR' });
    const hold = await legalHolds.place(staff, { subjectId: 's2', reason: 'legal_obligation', note: 'tax audit' });
    if (isDomainError(hold)) throw new Error(hold.message);
    await legalHolds.release(staff, hold.id);
    expect(await legalHolds.release(staff, hold.id)).toMatchObject({ errorCode: 'HOLD_ALREADY_RELEASED_ERROR' });
    expect(await env.app.dataSource.getRepository(LegalHold).count()).toBe(before + 1);
  });
});

describe('recipients', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('registers a recipient with a signing secret shown once and stored sealed', async () => {
    const { recipients } = env.app.services;
    const registered = await recipients.register({ name: 'CRM', description: 'Customer relationship management', webhookUrl: 'https://crm.example.com/hooks/privacy', events: ['erasure', 'opt_out'] });
    if (isDomainError(registered)) throw new Error(registered.message);
    const row = await env.app.dataSource.getRepository(Recipient).findOneByOrFail({ name: 'CRM' });
    expect(row.sealedSecret).not.toContain(registered.secret);
    expect(recipients.secretOf(row)).toBe(registered.secret);
    expect((await recipients.subscribedTo('erasure')).map((r) => r.name)).toEqual(['CRM']);
    expect(await recipients.subscribedTo('restriction')).toEqual([]);
    await recipients.setActive(row.id, false);
    expect(await recipients.subscribedTo('erasure')).toEqual([]);
  });

  it.each([
    [{ webhookUrl: 'not a url' }, 'INVALID_WEBHOOK_URL_ERROR'],
    [{ webhookUrl: 'ftp://x.example.com' }, 'INVALID_WEBHOOK_URL_ERROR'],
    [{ events: ['everything'] }, 'INVALID_RECIPIENT_EVENTS_ERROR'],
    [{ events: [] }, 'INVALID_RECIPIENT_EVENTS_ERROR'],
    [{ name: 'CRM' }, 'DUPLICATE_RECIPIENT_ERROR'],
  ])('refuses %j with %s and writes nothing', async (bad, code) => {
    const before = await env.app.dataSource.getRepository(Recipient).count();
    const result = await env.app.services.recipients.register({ name: 'Other', description: 'd', webhookUrl: 'https://x.example.com/h', events: ['erasure'], ...bad });
    expect(result).toMatchObject({ errorCode: code });
    expect(await env.app.dataSource.getRepository(Recipient).count()).toBe(before);
  });
});

describe('webhook signatures', () => {
  it('verify with the right secret and a fresh timestamp only', () => {
    const body = '{"event":"erasure"}';
    const header = signWebhook('s3cret', 1_800_000_000, body);
    expect(verifyWebhook('s3cret', header, body, 1_800_000_100)).toBe(true);
    expect(verifyWebhook('other', header, body, 1_800_000_100)).toBe(false);
    expect(verifyWebhook('s3cret', header, `${body} `, 1_800_000_100)).toBe(false);
    expect(verifyWebhook('s3cret', header, body, 1_800_001_000)).toBe(false);
    expect(verifyWebhook('s3cret', 'garbage', body, 1_800_000_000)).toBe(false);
  });
});
