import { initialTransition, transition } from 'xstate';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { getShortestPaths } from 'xstate/graph';
import { ActionToken, Subject, Workflow } from '../../src/entities';
import { emailChangeMachine } from '../../src/workflows/email-change/email-change.machine';
import { register, signIn, PASSWORD, uniqueEmail, type SignedIn } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { rowCounts } from '../helpers/workflow-fixtures';

const REQUEST = `mutation($e: String!) { requestEmailChange(input: { newEmail: $e }) { __typename ... on EmailChangeRequested { sentTo expiresAt } ... on ErrorResult { errorCode message } ${INVALID_INPUT} } }`;

/** The email-change confirmation: the runtime, timers, outbox, tokens and link pages on a real flow. */
describe('email change', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { EMAIL_CHANGE_LINK_TTL: '2h' } });
  });
  afterAll(() => env?.stop());

  const emailOf = async (user: SignedIn) => (await env.app.dataSource.manager.findOneByOrFail(Subject, { id: user.subjectId })).email;
  const localLink = (link: string) => link.replace(env.app.config.publicUrl, env.url);
  async function openAndConfirm(link: string) {
    const page = await fetch(link);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    return fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ csrf }).toString() });
  }

  it('mails a link to the new address; the email changes only when the link page is confirmed by POST', async () => {
    const user = await register(env, { locale: 'de-DE' });
    const newEmail = uniqueEmail('neu');
    const res = await env.gql(REQUEST, { e: newEmail.toUpperCase() }, { token: user.token });
    expect(res.data.requestEmailChange).toMatchObject({ __typename: 'EmailChangeRequested', sentTo: newEmail });
    await env.workers.drain();
    const mail = await env.mail.expectOne({ to: newEmail, template: 'email-change-confirm' });
    expect(mail.subject).toBe('Bestätigen Sie Ihre neue E-Mail-Adresse für m-exe.com');
    // Nothing to the old address yet (it only had its sign-up mail).
    expect(await env.mail.find({ to: user.email, template: 'email-changed-notice' })).toHaveLength(0);
    expect(await emailOf(user)).toBe(user.email);

    // Scanners: GET and HEAD change nothing.
    const link = localLink(env.mail.linkIn(mail));
    const before = await rowCounts(env);
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    const page = await fetch(link);
    expect(await page.text()).toContain('Neue E-Mail-Adresse bestätigen');
    expect(await rowCounts(env)).toEqual(before);
    expect(await emailOf(user)).toBe(user.email);

    const done = await openAndConfirm(link);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Fertig: Das ist jetzt die E-Mail-Adresse Ihres Kontos.');
    expect(await emailOf(user)).toBe(newEmail);
    expect((await signIn(env, { email: newEmail, password: PASSWORD })).data.signIn.__typename).toBe('AuthPayload');
    // The old address is told; the link is spent.
    await env.workers.drain();
    expect((await env.mail.expectOne({ to: user.email, template: 'email-changed-notice' })).subject).toBe('Die E-Mail-Adresse Ihres Kontos bei m-exe.com wurde geändert');
    expect((await openAndConfirm(link)).status).toBe(410);
  });

  it('expires: after the configured time the link says so and the email stays', async () => {
    const user = await register(env);
    const newEmail = uniqueEmail('late');
    await env.gql(REQUEST, { e: newEmail }, { token: user.token });
    await env.workers.drain();
    const link = localLink(env.mail.linkIn(await env.mail.expectOne({ to: newEmail })));
    env.clock.advance('2h');
    await env.workers.drain();
    const wf = await env.app.dataSource.manager.findOneByOrFail(Workflow, { subjectId: user.subjectId, machineId: 'email-change' });
    expect(wf).toMatchObject({ stateValue: 'expired', status: 'done' });
    const res = await openAndConfirm(link);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('This link has expired');
    expect(await emailOf(user)).toBe(user.email);
  });

  it('a newer request cancels the older link', async () => {
    const user = await register(env);
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    await env.gql(REQUEST, { e: first }, { token: user.token });
    await env.gql(REQUEST, { e: second }, { token: user.token });
    await env.workers.drain();
    const oldLink = localLink(env.mail.linkIn(await env.mail.expectOne({ to: first })));
    expect((await openAndConfirm(oldLink)).status).toBe(410);
    expect((await openAndConfirm(localLink(env.mail.linkIn(await env.mail.expectOne({ to: second }))))).status).toBe(200);
    expect(await emailOf(user)).toBe(second);
  });

  it('refuses, changing nothing, when another account took the address before the link was used', async () => {
    const user = await register(env);
    const wanted = uniqueEmail('wanted');
    await env.gql(REQUEST, { e: wanted }, { token: user.token });
    await env.workers.drain();
    const link = localLink(env.mail.linkIn(await env.mail.expectOne({ to: wanted })));
    await register(env, { email: wanted });
    const res = await openAndConfirm(link);
    expect(res.status).toBe(409);
    expect(await emailOf(user)).toBe(user.email);
    const token = await env.app.dataSource.manager.findOneByOrFail(ActionToken, { purpose: 'email-change', workflowId: (await env.app.dataSource.manager.findOneByOrFail(Workflow, { subjectId: user.subjectId, machineId: 'email-change' })).id });
    expect(token.usedAt).toBeNull();
  });

  it('needs a session and a recent password', async () => {
    expect((await env.gql(REQUEST, { e: uniqueEmail() })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const user = await register(env);
    env.clock.advance('16m');
    const res = await env.gql(REQUEST, { e: uniqueEmail() }, { token: user.token });
    expect(res.data.requestEmailChange.errorCode).toBe('REAUTHENTICATION_REQUIRED');
    expectInvalidInput(await env.gql(REQUEST, { e: 'not an address' }, { token: user.token }), 'input.newEmail');
  });

  it('is rate limited per account (each request mails an address of the caller\'s choice)', async () => {
    const user = await register(env);
    for (let i = 0; i < 5; i++) expect((await env.gql(REQUEST, { e: uniqueEmail('many') }, { token: user.token })).data.requestEmailChange.__typename).toBe('EmailChangeRequested');
    const sixth = await env.gql(REQUEST, { e: uniqueEmail('many') }, { token: user.token });
    expect(sixth.data.requestEmailChange.errorCode).toBe('RATE_LIMITED');
  });

  it('erasing the subject removes its workflows, timers, links and mails', async () => {
    const user = await register(env);
    await env.gql(REQUEST, { e: uniqueEmail('erase') }, { token: user.token });
    const wfId = (await env.app.dataSource.manager.findOneByOrFail(Workflow, { subjectId: user.subjectId, machineId: 'email-change' })).id;
    await env.app.db.transaction((em) => env.app.services.personalData.erase(em, user.subjectId));
    const m = env.app.dataSource.manager;
    expect(await m.countBy(Workflow, { id: wfId })).toBe(0);
    expect(await m.countBy(ActionToken, { workflowId: wfId })).toBe(0);
    expect(Number((await m.query('SELECT COUNT(*) AS n FROM timer WHERE workflowId = ?', [wfId]))[0].n)).toBe(0);
    expect(Number((await m.query('SELECT COUNT(*) AS n FROM outbox_message WHERE workflowId = ?', [wfId]))[0].n)).toBe(0);
  });
});

describe('email-change machine', () => {
  it('reaches every state, and every path ends in a final state with the right effects', () => {
    const input = { subjectId: 's', oldEmail: 'old@example.test', newEmail: 'new@example.test', locale: 'en', ttl: '24h' };
    const paths = getShortestPaths(emailChangeMachine, { input, events: [{ type: 'email.confirm' }, { type: 'timer.expired' }, { type: 'email.cancel' }] });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect(reached).toEqual(new Set(['awaitingConfirmation', 'confirmed', 'expired', 'cancelled']));
    for (const p of paths.filter((p) => p.state.status === 'done')) expect(p.steps).toHaveLength(2);
  });

  it('asks for the right effects at each step', () => {
    const input = { subjectId: 's', oldEmail: 'old@example.test', newEmail: 'new@example.test', locale: 'de', ttl: '24h' };
    const [start, onStart] = initialTransition(emailChangeMachine, input);
    expect(onStart.map((a) => [a.type, a.params])).toEqual([
      ['sendEmail', { to: 'new@example.test', template: 'email-change-confirm', locale: 'de', params: { newEmail: 'new@example.test' }, link: { purpose: 'email-change', event: 'email.confirm', ttl: '24h' } }],
      ['startTimer', { name: 'expiry', delay: '24h', event: 'timer.expired' }],
    ]);
    const [, onConfirm] = transition(emailChangeMachine, start, { type: 'email.confirm' });
    expect(onConfirm.map((a) => [a.type, a.params])).toEqual([
      ['cancelTimer', { name: 'expiry' }],
      ['changeEmail', { subjectId: 's', newEmail: 'new@example.test' }],
      ['sendEmail', { to: 'old@example.test', template: 'email-changed-notice', locale: 'de', params: { newEmail: 'new@example.test' } }],
    ]);
    const [expired, onExpiry] = transition(emailChangeMachine, start, { type: 'timer.expired' });
    expect([expired.value, onExpiry]).toEqual(['expired', []]);
  });
});
