import { Recipient } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { signWebhook, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

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
    expect(await recipients.subscribedTo('consent_withdrawn')).toEqual([]);
    await recipients.setActive(row.id, false);
    expect(await recipients.subscribedTo('erasure')).toEqual([]);
  });

  it.each([
    [{ webhookUrl: 'not a url' }, 'INVALID_WEBHOOK_URL'],
    [{ webhookUrl: 'ftp://x.example.com' }, 'INVALID_WEBHOOK_URL'],
    [{ events: ['everything'] }, 'INVALID_RECIPIENT_EVENTS'],
    [{ events: [] }, 'INVALID_RECIPIENT_EVENTS'],
    // Restriction requests are not built yet (the rights engine): an event never sent is not offered.
    [{ events: ['erasure', 'restriction'] }, 'INVALID_RECIPIENT_EVENTS'],
    [{ name: 'CRM' }, 'DUPLICATE_RECIPIENT'],
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
