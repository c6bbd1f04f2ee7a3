import { ActionToken, Workflow } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { rowCounts, withTestFlow } from '../helpers/workflow-fixtures';

/** The email-link pages over real HTTP: GET/HEAD show and change nothing; only the page's own POST acts. */
describe('email link pages', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...withTestFlow, env: { LINK_MAX_WRONG_ATTEMPTS: '3' } });
  });
  afterAll(() => env?.stop());

  let n = 0;
  /** Starts a test flow and returns its workflow id and the link from the mail it sent. */
  async function flowWithLink(locale = 'en', ttl = '24h') {
    const email = `link-${++n}@example.test`;
    const wf = await env.app.services.workflows.start({ machineId: 'test-flow', input: { email, locale, ttl } });
    await env.workers.sendMail();
    const link = env.mail.linkIn(await env.mail.expectOne({ to: email, template: 'test-confirm' }));
    return { id: wf.id, link: link.replace(env.app.config.publicUrl, env.url) };
  }
  const state = async (id: string) => (await env.app.dataSource.manager.findOneByOrFail(Workflow, { id })).stateValue;

  /** Opens the page like a browser: returns the cookie and the form's CSRF value. */
  async function open(link: string, headers: Record<string, string> = {}) {
    const res = await fetch(link, { headers });
    const body = await res.text();
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
    return { res, body, cookie, csrf };
  }
  const submit = (link: string, cookie: string, csrf: string) =>
    fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams({ csrf }).toString(), redirect: 'manual' });

  it('GET and HEAD (what mail scanners do) show the page and change nothing', async () => {
    const { id, link } = await flowWithLink();
    const before = await rowCounts(env);
    const tokensBefore = await env.app.dataSource.manager.find(ActionToken, { order: { id: 'ASC' } });
    for (let i = 0; i < 3; i++) {
      const get = await fetch(link);
      expect(get.status).toBe(200);
      expect(get.headers.get('cache-control')).toBe('no-store');
      expect(get.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/);
      expect(get.headers.get('referrer-policy')).toBe('no-referrer');
      const body = await get.text();
      expect(body).toContain('<h1>Confirm the test address</h1>');
      expect(body).toContain('Pressing the button confirms the address for the test flow.');
      expect(body).toContain('<button type="submit">Confirm address</button>');
      expect(body).toContain('name="viewport" content="width=device-width, initial-scale=1"');
      expect(body).not.toMatch(/<script|onload=|http-equiv="refresh"|src=/i);
      const head = await fetch(link, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('cache-control')).toBe('no-store');
      expect(await head.text()).toBe('');
    }
    expect(await rowCounts(env)).toEqual(before);
    expect(await env.app.dataSource.manager.find(ActionToken, { order: { id: 'ASC' } })).toEqual(tokensBefore);
    expect(await state(id)).toBe('waiting');
  });

  it('the page style is allowed by its hash and nothing else loads', async () => {
    const { link } = await flowWithLink();
    const { res, body } = await open(link);
    const style = /<style>([\s\S]*?)<\/style>/.exec(body)![1];
    const hash = require('node:crypto').createHash('sha256').update(style).digest('base64');
    expect(res.headers.get('content-security-policy')).toContain(`'sha256-${hash}'`);
  });

  it("the page's POST acts once; a second POST says it was used", async () => {
    const { id, link } = await flowWithLink();
    const { cookie, csrf } = await open(link);
    expect(cookie).toMatch(/^consentry_link=[A-Za-z0-9_-]{22}$/);
    const res = await submit(link, cookie, csrf);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The address is confirmed.');
    expect(await state(id)).toBe('confirmed');
    const again = await submit(link, cookie, csrf);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link was already used');
  });

  it('two simultaneous submissions: exactly one wins', async () => {
    const { id, link } = await flowWithLink();
    const { cookie, csrf } = await open(link);
    const results = await Promise.all([submit(link, cookie, csrf), submit(link, cookie, csrf), submit(link, cookie, csrf)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    expect(await state(id)).toBe('confirmed');
  });

  it('refuses a POST without the page cookie or with a wrong CSRF token, and locks the link after too many', async () => {
    const { id, link } = await flowWithLink();
    const { cookie, csrf } = await open(link);
    const before = await rowCounts(env);
    const noCookie = await submit(link, '', csrf);
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain('Please open the link again');
    expect((await submit(link, cookie, 'forged')).status).toBe(403);
    expect((await submit(link, 'consentry_link=AAAAAAAAAAAAAAAAAAAAAA', csrf)).status).toBe(403);
    expect(await rowCounts(env)).toEqual(before);
    expect(await state(id)).toBe('waiting');
    // Three failed checks (LINK_MAX_WRONG_ATTEMPTS=3): now even the right form is refused.
    const locked = await submit(link, cookie, csrf);
    expect(locked.status).toBe(410);
    expect(await locked.text()).toContain('This link is locked');
    expect(await state(id)).toBe('waiting');
  });

  it('an expired link gets a friendly page that says what to do, and changes nothing', async () => {
    const { id, link } = await flowWithLink('en', '1h');
    const { cookie, csrf } = await open(link);
    env.clock.advance('61m');
    const before = await rowCounts(env);
    const get = await fetch(link);
    expect(get.status).toBe(410);
    const body = await get.text();
    expect(body).toContain('This link has expired');
    expect(body).toContain('ask for a new email');
    expect((await submit(link, cookie, csrf)).status).toBe(410);
    expect(await rowCounts(env)).toEqual(before);
    expect(await state(id)).toBe('waiting');
  });

  it('an unknown or malformed token gets a friendly 404 page in the browser language', async () => {
    for (const token of ['A'.repeat(43), 'short', '%3Cscript%3E']) {
      const res = await fetch(`${env.url}/l/${token}`, { headers: { 'accept-language': 'de-CH,de;q=0.9,en;q=0.5' } });
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).toContain('<html lang="de">');
      expect(body).toContain('Dieser Link funktioniert nicht');
      expect(body).not.toContain('<script');
    }
  });

  it('speaks the recipient language (German)', async () => {
    const { link } = await flowWithLink('de');
    const { body } = await open(link, { 'accept-language': 'en' });
    expect(body).toContain('<html lang="de">');
    expect(body).toContain('<h1>Testadresse bestätigen</h1>');
    expect(body).toContain('<button type="submit">Adresse bestätigen</button>');
    expect(body).toContain('Datenschutzerklärung');
  });

  it('a link whose workflow moved on cannot be used, and is not consumed', async () => {
    const { id, link } = await flowWithLink();
    const { cookie, csrf } = await open(link);
    // A token for an event the state does not accept.
    await env.app.dataSource.manager.update(ActionToken, { workflowId: id }, { event: 'link.nope' });
    const res = await submit(link, cookie, csrf);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This can no longer be done');
    expect((await env.app.dataSource.manager.findOneByOrFail(ActionToken, { workflowId: id })).usedAt).toBeNull();
    // A finished workflow's links are revoked.
    await env.app.dataSource.manager.update(ActionToken, { workflowId: id }, { event: 'link.confirm' });
    await env.app.services.workflows.deliver(id, { id: 'cancel', type: 'flow.cancel' });
    expect((await fetch(link)).status).toBe(410);
  });

  describe('the same through GraphQL', () => {
    const PREVIEW = `query($token: String!) { actionLink(token: $token) { __typename ... on ActionLink { purpose locale title message button } ... on ErrorResult { errorCode message } } }`;
    const CONFIRM = `mutation($token: String!) { confirmActionLink(input: { token: $token }) { __typename ... on ActionLink { title message } ... on ErrorResult { errorCode message } } }`;

    it('previews without change, confirms once, and answers typed errors', async () => {
      const { id, link } = await flowWithLink('de');
      const token = link.split('/l/')[1];
      const before = await rowCounts(env);
      const preview = await env.gql(PREVIEW, { token });
      expect(preview.data.actionLink).toEqual({ __typename: 'ActionLink', purpose: 'test-confirm', locale: 'de', title: 'Testadresse bestätigen', message: 'Mit dem Knopf bestätigen Sie die Adresse für den Testablauf.', button: 'Adresse bestätigen' });
      expect(await rowCounts(env)).toEqual(before);
      const ok = await env.gql(CONFIRM, { token });
      expect(ok.data.confirmActionLink).toEqual({ __typename: 'ActionLink', title: 'Testadresse bestätigen', message: 'Die Adresse ist bestätigt.' });
      expect(await state(id)).toBe('confirmed');
      expect((await env.gql(CONFIRM, { token })).data.confirmActionLink.errorCode).toBe('ACTION_TOKEN_USED');
      expect((await env.gql(CONFIRM, { token: 'B'.repeat(43) })).data.confirmActionLink.errorCode).toBe('ACTION_TOKEN_INVALID');
      const old = await flowWithLink('en', '1h');
      env.clock.advance('2h');
      expect((await env.gql(CONFIRM, { token: old.link.split('/l/')[1] })).data.confirmActionLink.errorCode).toBe('ACTION_TOKEN_EXPIRED');
      expect(await state(old.id)).toBe('waiting');
    });
  });
});

describe('email link guessing', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...withTestFlow, env: { LINK_RATE_LIMIT: '3' } });
  });
  afterAll(() => env?.stop());

  it('is bounded per client: unknown tokens beyond the limit get 429 until the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${env.url}/l/${String(i).repeat(43)}`)).status).toBe(404);
    const blocked = await fetch(`${env.url}/l/${'9'.repeat(43)}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many attempts');
    const gql = await env.gql(`mutation { confirmActionLink(input: { token: "${'8'.repeat(43)}" }) { __typename } }`);
    expect(gql.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    env.clock.advance('15m');
    expect((await fetch(`${env.url}/l/${'7'.repeat(43)}`)).status).toBe(404);
  });
});
