import { AuditEvent, ConsentRecord, GuardianLink, ParentalEvidence, ParentalEvidencePart, Subject, Workflow } from '../../src/entities';
import type { SignedIn } from '../helpers/identity';
import { createAdmin, createStaff } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { rowCounts } from '../helpers/workflow-fixtures';

const MAX_BYTES = 200 * 1024;
const QUEUE = `{ parentalVerificationQueue { workflowId childId requestedFeatures since evidence { evidenceId method submittedAt contentType byteSize contact preferredTime } } }`;
const DOCUMENT = `query($id: ID!) { parentalVerificationDocument(evidenceId: $id) { __typename ... on ParentalVerificationDocument { evidenceId childId contentType byteSize sha256 contentBase64 } ... on ErrorResult { errorCode } } }`;
const DECIDE = `mutation($input: DecideParentalVerificationInput!) { decideParentalVerification(input: $input) { __typename ... on ParentalVerificationDecision { state } ... on ErrorResult { errorCode } } }`;

/** A small but real-looking PDF of `size` bytes (the magic bytes are what count). */
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x41)]);

/**
 * Stronger verification of a parent for disclosing features (COPPA §312.5(b)(2)(i), (iii), (iv)), over
 * HTTP: the mail after the consent page → the verification page (GET changes nothing) → a signed form
 * uploaded as multipart or a call asked for → staff queue, audited reading, decision → consent records
 * with the method and the evidence; refusals that write nothing; the request lapsing when nothing comes.
 */
describe('parental verification', () => {
  let env: TestEnv;
  let staff: SignedIn;
  let n = 0;
  beforeAll(async () => {
    // BODY_LIMIT: the app twin takes the form as base64 inside the GraphQL request.
    env = await createTestEnv({ env: { PARENTAL_EVIDENCE_MAX_BYTES: String(MAX_BYTES), BODY_LIMIT: '1mb' } });
    staff = await createStaff(env, await createAdmin(env));
  });
  afterAll(() => env?.stop());

  const m = () => env.app.dataSource.manager;
  const local = (link: string) => link.replace(env.app.config.publicUrl, env.url);
  const evidenceCounts = async () => ({ ...(await rowCounts(env)), evidence: await m().count(ParentalEvidence), parts: await m().count(ParentalEvidencePart), consents: await m().count(ConsentRecord) });

  async function open(link: string) {
    const res = await fetch(link);
    const body = await res.text();
    return { status: res.status, body, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '' };
  }

  /** A child whose parent consented with a disclosing feature: returns the verification page's link from the mail. */
  async function awaitingVerification(features = ['public_profile', 'personalized_content']) {
    const i = ++n;
    const deviceId = `verify-flow-device-${String(i).padStart(6, '0')}`;
    const dateOfBirth = { day: 5, month: 6, year: 2016 };
    await env.gql(`mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename } }`, { input: { dateOfBirth, country: 'US', deviceId } });
    const parentEmail = `verify-parent-${i}@example.test`;
    const reg = await env.gql(`mutation($input: RegisterChildInput!) { registerChild(input: $input) { ... on ChildRegistration { childId } } }`, {
      input: { deviceId, username: `vkid_${i}`, parentEmail, dateOfBirth, locale: 'en' },
    });
    const childId = reg.data.registerChild.childId as string;
    await env.workers.sendMail();
    const consentLink = local(env.mail.linkIn(await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-request' })));
    const page = await open(consentLink);
    const body = new URLSearchParams([['csrf', page.csrf], ['account', 'yes'], ...features.map((f): [string, string] => ['feature', f]), ['decision', 'consent']]);
    const res = await fetch(consentLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie }, body: body.toString() });
    expect(res.status).toBe(200);
    await env.workers.sendMail();
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parental-verification-request' });
    const workflow = await m().findOneByOrFail(Workflow, { subjectId: childId, machineId: 'parental-consent' });
    expect(workflow.stateValue).toBe('awaiting_stronger_verification');
    return { childId, parentEmail, workflowId: workflow.id, mail, link: local(env.mail.linkIn(mail)) };
  }

  /** Submits the verification page like a browser (multipart/form-data, the CSRF field first). */
  async function post(link: string, fields: [string, string][], file?: { bytes: Buffer; name: string; type: string }, options: { csrf?: string } = {}) {
    const page = await open(link);
    const form = new FormData();
    form.append('csrf', options.csrf ?? page.csrf);
    for (const [k, v] of fields) form.append(k, v);
    if (file) form.append('signedForm', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const res = await fetch(link, { method: 'POST', headers: { cookie: page.cookie }, body: form });
    return { status: res.status, body: await res.text() };
  }
  const expectData = (res: { data: any; errors?: unknown }) => {
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const consentsOf = async (childId: string) =>
    (await m().find(ConsentRecord, { where: { subjectId: childId }, order: { id: 'ASC' } })).map((r) => ({ purpose: r.purpose, decision: r.decision, method: r.method, evidence: JSON.parse(r.evidence) }));
  const queueCase = async (workflowId: string) => (expectData(await env.gql(QUEUE, {}, { token: staff.token })).parentalVerificationQueue as { workflowId: string }[]).find((c) => c.workflowId === workflowId) as any;

  it('a signed form uploaded on the page: stored encrypted, shown in the queue, read by staff (audited), approved as signed_form with the evidence', async () => {
    const { childId, parentEmail, workflowId, mail, link } = await awaitingVerification();
    expect(mail.text).toContain('visible to others: public_profile.');
    expect(mail.text).toMatch(/Upload a scan or a\s+photo of the\s+signed form/);

    // GET (and HEAD) show the page and change nothing.
    const before = await evidenceCounts();
    for (const method of ['GET', 'HEAD']) expect((await fetch(link, { method })).status).toBe(200);
    const { body } = await open(link);
    expect(await evidenceCounts()).toEqual(before);
    expect(body).toContain('enctype="multipart/form-data"');
    expect(body).toContain('<h2>Parental consent form</h2>');
    expect(body).toContain(`the username “vkid_${n}”`);
    expect(body).toContain('<strong>Public profile</strong>');
    expect(body).not.toContain('<strong>Personalized content</strong>');
    expect(body).toContain('other users of m-exe.com');
    expect(body).toContain('Signature: ____');
    expect(body).toContain('type="file" name="signedForm"');
    expect(await queueCase(workflowId)).toMatchObject({ childId, requestedFeatures: ['public_profile'], evidence: null });

    // The form is bigger than one stored piece (60,000 bytes), so it is split and put together again.
    const bytes = pdf(150_000);
    const res = await post(link, [['method', 'signed_form']], { bytes, name: 'consent.pdf', type: 'application/pdf' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('we have received your signed form');
    const row = await m().findOneByOrFail(ParentalEvidence, { workflowId });
    expect(row).toMatchObject({ childId, method: 'signed_form', contentType: 'application/pdf', byteSize: 150_000, contact: null });
    const parts = await m().find(ParentalEvidencePart, { where: { evidenceId: row.id }, order: { seq: 'ASC' } });
    expect(parts.map((p) => p.seq)).toEqual([0, 1, 2]);
    // Sealed: the plain bytes are nowhere in the table; the workflow's snapshot holds only the id.
    expect(Buffer.concat(parts.map((p) => Buffer.from(p.data))).includes(Buffer.from('%PDF-1.7'))).toBe(false);
    const wf = await m().findOneByOrFail(Workflow, { id: workflowId });
    expect(wf.snapshot.length).toBeLessThan(20_000);
    expect(JSON.parse(wf.snapshot).context.evidence).toEqual({ id: row.id, method: 'signed_form' });
    // The link worked once.
    expect((await post(link, [['method', 'signed_form']], { bytes, name: 'consent.pdf', type: 'application/pdf' })).status).toBe(410);

    const queued = await queueCase(workflowId);
    expect(queued.evidence).toMatchObject({ evidenceId: row.id, method: 'SIGNED_FORM', contentType: 'application/pdf', byteSize: 150_000, contact: null });
    const reads = () => m().countBy(AuditEvent, { action: 'parental_evidence.read' });
    const readsBefore = await reads();
    const doc = await env.gql(DOCUMENT, { id: row.id }, { token: staff.token });
    expect(doc.data.parentalVerificationDocument).toMatchObject({ __typename: 'ParentalVerificationDocument', childId, contentType: 'application/pdf', byteSize: 150_000 });
    expect(Buffer.from(doc.data.parentalVerificationDocument.contentBase64, 'base64').equals(bytes)).toBe(true);
    expect(await reads()).toBe(readsBefore + 1);
    const audit = (await m().find(AuditEvent, { where: { action: 'parental_evidence.read' }, order: { seq: 'DESC' }, take: 1 }))[0];
    expect(audit).toMatchObject({ actorId: staff.subjectId, actorRole: 'staff', subjectId: childId });
    expect((await env.gql(DOCUMENT, { id: '00000000-0000-4000-8000-000000000000' }, { token: staff.token })).data.parentalVerificationDocument.errorCode).toBe('NOT_FOUND');

    const decided = await env.gql(DECIDE, { input: { workflowId, approve: true, note: 'Signed form matches the parent’s name' } }, { token: staff.token });
    expect(decided.data.decideParentalVerification).toEqual({ __typename: 'ParentalVerificationDecision', state: 'AWAITING_CONFIRMATION_DELAY' });
    expect((await consentsOf(childId)).at(-1)).toEqual({
      purpose: 'child.feature.public_profile',
      decision: 'granted',
      method: 'signed_form',
      evidence: { workflowId, verifiedBy: staff.subjectId, note: 'Signed form matches the parent’s name', evidenceId: row.id },
    });
    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    expect((await m().findOneByOrFail(Subject, { id: childId })).status).toBe('active');
    expect(JSON.parse((await m().findOneByOrFail(GuardianLink, { childId })).permissions)).toEqual(['personalized_content', 'public_profile']);
    // The link names the method that verified the parent, not a generic "staff verified".
    expect((await m().findOneByOrFail(GuardianLink, { childId })).verificationMethod).toBe('signed_form');

    // The evidence goes with the child's data, like the consent records it proves.
    await env.app.dataSource.transaction((em) => env.app.services.personalData.erase(em, childId, 'test'));
    expect(await m().countBy(ParentalEvidence, { childId })).toBe(0);
    expect(await m().countBy(ParentalEvidencePart, { childId })).toBe(0);
  });

  it('refusals write nothing and leave the link working: too big, not a document (a text file named .pdf), empty, a bad call request, no CSRF; a used link is gone', async () => {
    const { workflowId, link } = await awaitingVerification(['community_posting']);
    const before = await evidenceCounts();
    const cases: [Awaited<ReturnType<typeof post>>, number, string][] = [
      [await post(link, [['method', 'signed_form']], { bytes: pdf(MAX_BYTES + 1), name: 'big.pdf', type: 'application/pdf' }), 413, 'The file is larger than 0.2 MB'],
      // Far beyond: parsing stops at the limit and the rest is discarded unread.
      [await post(link, [['method', 'signed_form']], { bytes: pdf(MAX_BYTES * 3), name: 'huge.pdf', type: 'application/pdf' }), 413, 'The file is larger than 0.2 MB'],
      [await post(link, [['method', 'signed_form']], { bytes: Buffer.from('I agree, signed: a parent\n'), name: 'form.pdf', type: 'application/pdf' }), 415, 'This file is not a PDF, JPEG, PNG'],
      [await post(link, [['method', 'signed_form']], { bytes: Buffer.alloc(0), name: 'empty.pdf', type: 'application/pdf' }), 400, 'The file is empty'],
      [await post(link, [['method', 'signed_form']]), 400, 'The file is empty'],
      [await post(link, [['method', 'call'], ['channel', 'phone_call'], ['contact', 'call me maybe']]), 400, 'give a phone number'],
      [await post(link, [['method', 'call'], ['contact', '+1 555 0100']]), 400, 'choose phone or video'],
    ];
    for (const [res, status, text] of cases) {
      expect(res.status).toBe(status);
      expect(res.body).toContain(text);
      // The same page again, with the form to try once more.
      expect(res.body).toContain('type="file" name="signedForm"');
    }
    const forged = await post(link, [['method', 'signed_form']], { bytes: pdf(1000), name: 'ok.pdf', type: 'application/pdf' }, { csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('Nothing was changed');
    expect(await evidenceCounts()).toEqual(before);
    expect((await m().findOneByOrFail(Workflow, { id: workflowId })).stateValue).toBe('awaiting_stronger_verification');

    // A PNG is taken, whatever the client calls it.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 1)]);
    expect((await post(link, [['method', 'signed_form']], { bytes: png, name: 'scan.txt', type: 'text/plain' })).status).toBe(200);
    expect(await m().findOneByOrFail(ParentalEvidence, { workflowId })).toMatchObject({ contentType: 'image/png', byteSize: 508 });
    const after = await evidenceCounts();
    const used = await post(link, [['method', 'signed_form']], { bytes: png, name: 'scan.png', type: 'image/png' });
    expect(used.status).toBe(410);
    expect(used.body).toContain('This link was already used');
    expect(await evidenceCounts()).toEqual(after);
  });

  it('a call request: the queue shows the contact (audited), staff approve after the call and the record says phone_call', async () => {
    const { childId, workflowId, link } = await awaitingVerification(['public_profile']);
    const res = await post(link, [['method', 'call'], ['channel', 'phone_call'], ['contact', '+1 (555) 010-0199'], ['preferredTime', 'weekdays after 6 pm']]);
    expect(res.status).toBe(200);
    expect(res.body).toContain('our privacy team will call you');
    const row = await m().findOneByOrFail(ParentalEvidence, { workflowId });
    expect(row).toMatchObject({ method: 'phone_call', contact: '+1 (555) 010-0199', preferredTime: 'weekdays after 6 pm', contentType: null });
    expect(await m().countBy(ParentalEvidencePart, { evidenceId: row.id })).toBe(0);
    const reads = await m().countBy(AuditEvent, { action: 'parental_evidence.read', subjectId: childId });
    expect((await queueCase(workflowId)).evidence).toMatchObject({ evidenceId: row.id, method: 'PHONE_CALL', contact: '+1 (555) 010-0199', preferredTime: 'weekdays after 6 pm' });
    expect(await m().countBy(AuditEvent, { action: 'parental_evidence.read', subjectId: childId })).toBe(reads + 1);
    // A call request is not a document.
    expect((await env.gql(DOCUMENT, { id: row.id }, { token: staff.token })).data.parentalVerificationDocument.errorCode).toBe('NOT_FOUND');

    await env.gql(DECIDE, { input: { workflowId, approve: true, note: 'Called back; the parent confirmed the details' } }, { token: staff.token });
    expect((await consentsOf(childId)).at(-1)).toMatchObject({ purpose: 'child.feature.public_profile', decision: 'granted', method: 'phone_call', evidence: { evidenceId: row.id } });
  });

  it('staff name the method they used (a video call instead of the phone call asked for)', async () => {
    const { childId, workflowId, link } = await awaitingVerification(['community_posting']);
    expect((await post(link, [['method', 'call'], ['channel', 'phone_call'], ['contact', '+49 30 1234567']])).status).toBe(200);
    const bad = await env.gql(DECIDE, { input: { workflowId, approve: true, note: 'video', method: 'CARRIER_PIGEON' } }, { token: staff.token });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    await env.gql(DECIDE, { input: { workflowId, approve: true, note: 'The parent preferred a video call', method: 'VIDEO_CALL' } }, { token: staff.token });
    expect((await consentsOf(childId)).at(-1)).toMatchObject({ purpose: 'child.feature.community_posting', decision: 'granted', method: 'video_call' });
  });

  it('nothing returned: a reminder with a fresh link, then the disclosing request lapses (denied, system), the parent is told, the account goes on', async () => {
    const { childId, parentEmail, workflowId, link } = await awaitingVerification(['public_profile', 'personalized_content']);
    env.clock.advance('10d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect(await env.mail.find({ to: parentEmail, template: 'parental-verification-reminder' })).toHaveLength(0);
    env.clock.advance('1d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    const reminder = await env.mail.expectOne({ to: parentEmail, template: 'parental-verification-reminder' });
    expect(reminder.subject).toMatch(/^Reminder: /);
    const fresh = local(env.mail.linkIn(reminder));
    expect(fresh).not.toBe(link);
    expect((await fetch(link)).status).toBe(410);
    expect((await fetch(fresh)).status).toBe(200);

    env.clock.advance('3d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect((await m().findOneByOrFail(Workflow, { id: workflowId })).stateValue).toBe('awaiting_confirmation_delay');
    expect((await consentsOf(childId)).map((r) => [r.purpose, r.decision, r.method])).toEqual([
      ['child.collection', 'granted', 'email_plus'],
      ['child.feature.personalized_content', 'granted', 'email_plus'],
      ['child.feature.public_profile', 'denied', 'system'],
    ]);
    const told = await env.mail.expectOne({ to: parentEmail, template: 'parental-verification-expired' });
    expect(told.text).toContain('stay off: public_profile');
    expect((await fetch(fresh)).status).toBe(410);
    // (Two weeks on, the staff session has ended: the queue is asked directly.)
    expect((await env.app.services.parentalConsent.verificationQueue()).map((c) => c.workflowId)).not.toContain(workflowId);

    env.clock.advance('24h');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-confirmation' });
    expect(await m().findOneByOrFail(GuardianLink, { childId })).toMatchObject({ status: 'active', verificationMethod: 'email_plus', permissions: '["personalized_content"]' });
  });

  it('apps: submitParentalVerification takes the link token with a base64 form or a call request, with the same checks', async () => {
    const SUBMIT = `mutation($input: SubmitParentalVerificationInput!) { submitParentalVerification(input: $input) { __typename ... on ParentalVerificationSubmitted { message } ... on ErrorResult { errorCode message } } }`;
    const { childId, workflowId, link } = await awaitingVerification(['public_profile']);
    const token = link.split('/l/')[1];
    const submit = async (input: Record<string, unknown>) => (await env.gql(SUBMIT, { input: { token, ...input } })).data.submitParentalVerification;
    const before = await evidenceCounts();
    expect((await submit({ signedFormBase64: Buffer.from('just text').toString('base64') })).errorCode).toBe('EVIDENCE_TYPE');
    expect((await submit({ signedFormBase64: '' })).errorCode).toBe('EVIDENCE_EMPTY');
    expect((await submit({ signedFormBase64: pdf(MAX_BYTES + 10).toString('base64') })).errorCode).toBe('EVIDENCE_TOO_LARGE');
    expect((await submit({ callRequest: { channel: 'VIDEO_CALL', contact: '<script>' } })).errorCode).toBe('CALL_REQUEST_INVALID');
    expect((await submit({ signedFormBase64: pdf(100).toString('base64'), callRequest: { channel: 'PHONE_CALL', contact: '+1 555 0100' } })).errorCode).toBe('CALL_REQUEST_INVALID');
    // A link of another purpose is no verification link.
    expect((await env.gql(SUBMIT, { input: { token: 'y'.repeat(43), callRequest: { channel: 'PHONE_CALL', contact: '+1 555 0100' } } })).data.submitParentalVerification.errorCode).toBe('ACTION_TOKEN_INVALID');
    expect(await evidenceCounts()).toEqual(before);

    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
    expect(await submit({ signedFormBase64: jpeg.toString('base64') })).toMatchObject({ __typename: 'ParentalVerificationSubmitted' });
    const row = await m().findOneByOrFail(ParentalEvidence, { workflowId });
    expect(row).toMatchObject({ childId, method: 'signed_form', contentType: 'image/jpeg', byteSize: 2004 });
    // (The earlier test moved the clock past the staff session's idle timeout: a new staff member reads it.)
    const reader = await createStaff(env, await createAdmin(env));
    const doc = await env.gql(DOCUMENT, { id: row.id }, { token: reader.token });
    expect(Buffer.from(doc.data.parentalVerificationDocument.contentBase64, 'base64').equals(jpeg)).toBe(true);
    expect((await submit({ callRequest: { channel: 'PHONE_CALL', contact: '+1 555 0100' } })).errorCode).toBe('ACTION_TOKEN_USED');
  });

  it('the document query is for staff with two-factor only', async () => {
    const res = await env.gql(DOCUMENT, { id: '00000000-0000-4000-8000-000000000000' });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
