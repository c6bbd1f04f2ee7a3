import { chromium, type Browser } from 'playwright-core';
import { ConsentRecord, ParentalEvidence, Subject, Workflow } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/** The parent's side in real Chromium: the link from the mail, the notice, the form's buttons; also at a phone's size. */
describe('parental consent page in Chromium', () => {
  let env: TestEnv;
  let browser: Browser;
  let n = 0;
  beforeAll(async () => {
    env = await createTestEnv();
    // A non-persistent launch: Playwright gives it a new, empty profile directory (STACK.md's --user-data-dir).
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  async function childWithLink(locale = 'en') {
    const i = ++n;
    const deviceId = `browser-device-${String(i).padStart(8, '0')}`;
    const dateOfBirth = { day: 3, month: 4, year: 2017 };
    await env.gql('mutation($input: AgeGateInput!) { ageGate(input: $input) { __typename } }', { input: { dateOfBirth, country: 'US', deviceId } });
    const parentEmail = `browser-parent-${i}@example.test`;
    const res = await env.gql('mutation($input: RegisterChildInput!) { registerChild(input: $input) { ... on ChildRegistration { childId } } }', {
      input: { deviceId, username: `browser_kid_${i}`, parentEmail, dateOfBirth, locale },
    });
    await env.workers.sendMail();
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-request' });
    expect(mail.subject).toBe(locale === 'de' ? 'Ihre Einwilligung für das Konto Ihres Kindes bei m-exe.com' : 'Your consent is needed for your child’s account on m-exe.com');
    return { childId: res.data.registerChild.childId as string, parentEmail, username: `browser_kid_${i}`, link: env.mail.linkIn(mail).replace(env.app.config.publicUrl, env.url) };
  }
  const state = async (childId: string) => (await env.app.dataSource.manager.findOneByOrFail(Workflow, { subjectId: childId })).stateValue;

  it('the parent reads the notice, ticks (a) and a feature, presses the button and sees the result', async () => {
    const { childId, link } = await childWithLink();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Nothing happens without your consent' }).waitFor();
    expect(await page.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as unknown as { checked: boolean }).checked))).toEqual([false, false, false, false]);
    expect(await state(childId)).toBe('awaiting_consent');
    await page.getByRole('checkbox', { name: /I consent to the collection and use/ }).check();
    await page.getByRole('checkbox', { name: /Personalized content/ }).check();
    await page.getByRole('button', { name: 'Give consent' }).click();
    await page.getByText('your consent is recorded').waitFor();
    expect(await state(childId)).toBe('awaiting_confirmation_delay');
    const purposes = (await env.app.dataSource.manager.findBy(ConsentRecord, { subjectId: childId })).map((r) => r.purpose).sort();
    expect(purposes).toEqual(['child.collection', 'child.feature.personalized_content']);
    await context.close();
  }, 60_000);

  it('a disclosing feature: the verification page from the mail, at a phone’s size, takes the signed form as a file upload', async () => {
    const { childId, link } = await childWithLink();
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('checkbox', { name: /I consent to the collection and use/ }).check();
    await page.getByRole('checkbox', { name: /Public profile/ }).check();
    await page.getByRole('button', { name: 'Give consent' }).click();
    await page.getByText('we have sent you an email with a link where you can return a signed consent form').waitFor();
    await env.workers.sendMail();
    const parentEmail = `browser-parent-${n}@example.test`;
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parental-verification-request' });
    await page.goto(env.mail.linkIn(mail).replace(env.app.config.publicUrl, env.url));
    await page.getByRole('heading', { name: 'Parental consent form' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // Pressing upload without a file explains what is missing and changes nothing.
    await page.getByRole('button', { name: 'Upload the signed form' }).click();
    await page.getByText('The file is empty.').waitFor();
    expect(await env.app.dataSource.manager.countBy(ParentalEvidence, { childId })).toBe(0);
    const signed = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20)]);
    await page.getByLabel('Scan or photo of the signed form').setInputFiles({ name: 'signed-form.pdf', mimeType: 'application/pdf', buffer: signed });
    await page.getByRole('button', { name: 'Upload the signed form' }).click();
    await page.getByText('we have received your signed form').waitFor();
    expect(await env.app.dataSource.manager.findOneByOrFail(ParentalEvidence, { childId })).toMatchObject({ method: 'signed_form', contentType: 'application/pdf', byteSize: signed.length });
    expect(await state(childId)).toBe('awaiting_stronger_verification');
    await context.close();
  }, 60_000);

  it('works at a phone’s size: no sideways scrolling, the buttons fit, and decline deletes', async () => {
    const { childId, link } = await childWithLink('de');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Ohne Ihre Einwilligung geschieht nichts' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const decline = page.getByRole('button', { name: 'Ablehnen und Anfrage löschen' });
    const box = await decline.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    // Pressing "consent" without (a) explains what is missing and changes nothing.
    await page.getByRole('button', { name: 'Einwilligen' }).click();
    await page.getByText('Um einzuwilligen, kreuzen Sie (a) an.').waitFor();
    expect(await state(childId)).toBe('awaiting_consent');
    await page.getByRole('button', { name: 'Ablehnen und Anfrage löschen' }).click();
    await page.getByText('Sie haben abgelehnt.').waitFor();
    expect((await env.app.dataSource.manager.findOneByOrFail(Subject, { id: childId })).status).toBe('erased');
    await context.close();
  }, 60_000);

  it('the teen’s handover page, in German at a phone’s size: each setting as the parent chose it; the teen’s changes become their own consent', async () => {
    const { childId, parentEmail, username, link } = await childWithLink('de');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('checkbox', { name: /Ich willige in die Erhebung/ }).check();
    await page.getByRole('checkbox', { name: /Personalized content/ }).check();
    await page.getByRole('button', { name: 'Einwilligen' }).click();
    await page.getByText('Ihre Einwilligung ist gespeichert').waitFor();
    env.clock.advance('24h');
    await env.workers.fireTimers();
    // Born 2017-04-03: 13 on 2030-04-03, some 1,500 days after the test clock's start.
    env.clock.advance('1500d');
    await env.workers.fireTimers();
    await env.workers.sendMail();
    expect(await state(childId)).toBe('awaiting_teen_confirmation');
    const mail = await env.mail.expectOne({ to: parentEmail, template: 'parental-consent-age-up' });
    expect(mail.text).toContain(`Bitte geben Sie den Link unten an ${username} weiter.`);

    await page.goto(env.mail.linkIn(mail).replace(env.app.config.publicUrl, env.url));
    await page.getByText(`Hallo ${username}! Du bist jetzt alt genug`).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(await page.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as unknown as { checked: boolean }).checked))).toEqual([false, false, true]);
    expect(await state(childId)).toBe('awaiting_teen_confirmation');
    await page.getByRole('checkbox', { name: /Personalized content/ }).uncheck();
    await page.getByRole('checkbox', { name: /Public profile/ }).check();
    await page.getByRole('button', { name: 'Meine Einstellungen speichern' }).click();
    await page.getByText('Deine Einstellungen sind gespeichert.').waitFor();
    expect(await state(childId)).toBe('aged_up');
    const own = (await env.app.dataSource.manager.find(ConsentRecord, { where: { subjectId: childId, givenBy: 'self' }, order: { id: 'ASC' } })).map((r) => [r.purpose, r.decision]);
    expect(own).toEqual([
      ['child.collection', 'granted'],
      ['child.feature.public_profile', 'granted'],
      ['child.feature.personalized_content', 'withdrawn'],
    ]);
    await context.close();
  }, 60_000);
});
