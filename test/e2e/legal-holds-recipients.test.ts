import { AuditEvent, LegalHold, Recipient } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { RECIPIENT_EVENTS, SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { RecipientEventEnum } from '../../src/schema/staff/legal-hold.types';
import { register, uniqueEmail, type SignedIn } from '../helpers/identity';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

const PLACE = `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { __typename ... on LegalHold { id subjectId reason placedBy releasedAt } ... on ErrorResult { errorCode message } } }`;
const RELEASE = `mutation($id: ID!) { releaseLegalHold(input: { holdId: $id }) { __typename ... on LegalHold { id releasedAt releasedBy } ... on ErrorResult { errorCode } } }`;
const HOLDS = `query($id: ID!, $all: Boolean!) { legalHolds(subjectId: $id, includeReleased: $all) { id reason } }`;
const REGISTER = `mutation($input: RegisterRecipientInput!) { registerRecipient(input: $input) { __typename ... on RegisteredRecipient { secret recipient { id name events active } } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;

describe('legal holds and recipients through the API', () => {
  let env: TestEnv;
  let admin: SignedIn;
  let staff: SignedIn;
  let person: SignedIn;

  beforeAll(async () => {
    env = await createTestEnv();
    admin = await createAdmin(env);
    staff = await createStaff(env, admin);
    person = await register(env);
  });
  afterAll(() => env?.stop());

  it('lets staff place and release a hold, audited against the subject', async () => {
    const placed = (await env.gql(PLACE, { input: { subjectId: person.subjectId, reason: 'dispute_resolution', note: 'Chargeback case 42' } }, { token: staff.token })).data.placeLegalHold;
    expect(placed).toMatchObject({ __typename: 'LegalHold', subjectId: person.subjectId, reason: 'dispute_resolution', placedBy: staff.subjectId, releasedAt: null });
    expect((await env.gql(HOLDS, { id: person.subjectId, all: false }, { token: staff.token })).data.legalHolds).toHaveLength(1);
    const released = (await env.gql(RELEASE, { id: placed.id }, { token: staff.token })).data.releaseLegalHold;
    expect(released).toMatchObject({ releasedBy: staff.subjectId, releasedAt: env.clock.now().toISOString() });
    expect((await env.gql(HOLDS, { id: person.subjectId, all: false }, { token: staff.token })).data.legalHolds).toHaveLength(0);
    expect((await env.gql(HOLDS, { id: person.subjectId, all: true }, { token: staff.token })).data.legalHolds).toHaveLength(1);
    expect((await env.gql(RELEASE, { id: placed.id }, { token: staff.token })).data.releaseLegalHold.errorCode).toBe('HOLD_ALREADY_RELEASED');
    const audit = await env.app.dataSource.getRepository(AuditEvent).find({ where: { action: 'legal_hold.place' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorRole: 'staff' });
    expect(audit[0].details).not.toContain('Chargeback');
  });

  it.each([
    [{ reason: 'because' }, 'INVALID_HOLD_REASON'],
    [{ subjectId: 'no-such-subject' }, 'NOT_FOUND'],
  ])('refuses a hold with %j and writes nothing', async (bad, code) => {
    const before = await env.app.dataSource.getRepository(LegalHold).count();
    const res = (await env.gql(PLACE, { input: { subjectId: person.subjectId, reason: 'legal_obligation', note: 'tax audit', ...bad } }, { token: staff.token })).data.placeLegalHold;
    expect(res.errorCode).toBe(code);
    expect(await env.app.dataSource.getRepository(LegalHold).count()).toBe(before);
  });

  it('keeps holds from subjects, guardians and staff without MFA', async () => {
    const input = { subjectId: person.subjectId, reason: 'legal_obligation', note: 'tax audit' };
    expect((await env.gql(PLACE, { input })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await env.gql(PLACE, { input }, { token: person.token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noMfa = await createStaff(env, admin, { mfa: false });
    expect((await env.gql(PLACE, { input }, { token: noMfa.token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an admin register a recipient, shows its secret once, and keeps it from staff', async () => {
    const input = { name: 'CRM', description: 'Customer relationship management', webhookUrl: 'https://crm.example.com/hooks', events: ['ERASURE', 'OPT_OUT'] };
    expect((await env.gql(REGISTER, { input }, { token: staff.token })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const registered = (await env.gql(REGISTER, { input }, { token: admin.token })).data.registerRecipient;
    expect(registered).toMatchObject({ __typename: 'RegisteredRecipient', recipient: { name: 'CRM', events: ['ERASURE', 'OPT_OUT'], active: true } });
    expect(registered.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = (await env.gql('{ recipients { name webhookUrl } }', {}, { token: staff.token })).data.recipients;
    expect(listed).toEqual([{ name: 'CRM', webhookUrl: 'https://crm.example.com/hooks' }]);
    expect(JSON.stringify(listed)).not.toContain(registered.secret);
    expect((await env.gql(REGISTER, { input }, { token: admin.token })).data.registerRecipient.errorCode).toBe('DUPLICATE_RECIPIENT');
    // The events are an enum: an unknown one never reaches the service.
    expect((await env.gql(REGISTER, { input: { ...input, name: 'X', events: ['ALL'] } }, { token: admin.token })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const malformed = await env.gql(REGISTER, { input: { ...input, name: 'Y', webhookUrl: 'not a url' } }, { token: admin.token });
    expectInvalidInput(malformed, 'input.webhookUrl');
    expect(await env.app.dataSource.getRepository(Recipient).count()).toBe(1);
  });

  it('offers only events that are sent: restriction (not built yet) is refused, rectification goes out when a person corrects their profile or email', async () => {
    expect([...RECIPIENT_EVENTS]).toEqual(['erasure', 'opt_out', 'rectification', 'consent_withdrawn']);
    // The schema's RecipientEvent enum offers exactly the events that are sent.
    expect(Object.values(RecipientEventEnum)).toEqual([...RECIPIENT_EVENTS]);
    const receiver = await startWebhookReceiver();
    try {
      const input = { name: 'Mailing list', description: 'Sends the newsletter', webhookUrl: receiver.url, events: ['ERASURE', 'RESTRICTION'] };
      const refused = await env.gql(REGISTER, { input }, { token: admin.token });
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('RESTRICTION') });
      const registered = (await env.gql(REGISTER, { input: { ...input, events: ['RECTIFICATION'] } }, { token: admin.token })).data.registerRecipient;
      expect(registered.__typename).toBe('RegisteredRecipient');
      const user = await register(env);
      await env.gql('mutation { updateProfile(input: { displayName: "Erika M.", bio: "Maps" }) { __typename } }', {}, { token: user.token });
      // The email change: confirmed through the link mailed to the new address.
      const newEmail = uniqueEmail('rectified');
      await env.gql('mutation($e: String!) { requestEmailChange(input: { newEmail: $e }) { __typename } }', { e: newEmail }, { token: user.token });
      await env.workers.sendMail();
      const link = env.mail.linkIn(await env.mail.expectOne({ to: newEmail, template: 'email-change-confirm' })).replace(env.app.config.publicUrl, env.url);
      const page = await fetch(link);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1];
      const confirmed = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] }, body: new URLSearchParams({ csrf }).toString() });
      expect(confirmed.status).toBe(200);
      await env.workers.sendMail();
      const bodies = receiver.received.map((hook) => {
        expect(verifyWebhook(registered.secret, String(hook.headers[SIGNATURE_HEADER.toLowerCase()]), hook.body, Math.floor(env.clock.now().getTime() / 1000))).toBe(true);
        return JSON.parse(hook.body);
      });
      expect(bodies).toEqual([
        expect.objectContaining({ type: 'rectification', subjectId: user.subjectId, data: { fields: ['displayName', 'bio'], categories: ['account', 'profile'] } }),
        expect.objectContaining({ type: 'rectification', subjectId: user.subjectId, data: { fields: ['email'], categories: ['account'] } }),
      ]);
      expect(JSON.stringify(bodies)).not.toMatch(/Erika|Maps|rectified/);
    } finally {
      await receiver.close();
    }
  });
});
