import { ConsentRecord } from '../../src/entities';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const STATE = 'categories { category strictlyNecessary granted decidedAt expiresAt } needsDecision policyVersion';
const RECORD = `mutation($input: CookieConsentInput!) { recordCookieConsent(input: $input) { __typename ... on CookieConsentState { ${STATE} } ... on ErrorResult { errorCode message } } }`;
const READ = `query($deviceId: String!) { cookieConsent(deviceId: $deviceId) { ${STATE} } }`;

describe('cookie consent', () => {
  let env: TestEnv;
  const deviceId = 'browser-0000000000000001';
  const rows = () => env.app.dataSource.getRepository(ConsentRecord).count();
  const choices = (analytics: boolean) => [
    { category: 'functional', granted: true },
    { category: 'analytics', granted: analytics },
    { category: 'performance', granted: false },
  ];

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('asks a new device, allowing only strictly necessary cookies', async () => {
    const { data } = await env.gql(READ, { deviceId });
    expect(data.cookieConsent.needsDecision).toBe(true);
    expect(data.cookieConsent.categories.map((c: any) => [c.category, c.granted])).toEqual([
      ['essential', true],
      ['functional', false],
      ['analytics', false],
      ['performance', false],
    ]);
  });

  it('records the banner’s choices as evidence under the policy version, and withdraws as easily', async () => {
    const given = (await env.gql(RECORD, { input: { deviceId, choices: choices(true), source: 'banner-v1' } })).data.recordCookieConsent;
    expect(given.__typename).toBe('CookieConsentState');
    expect(given.needsDecision).toBe(false);
    expect(given.categories.find((c: any) => c.category === 'analytics')).toMatchObject({ granted: true, expiresAt: '2027-03-02T10:00:00.000Z' });
    const record = await env.app.dataSource.getRepository(ConsentRecord).findOneByOrFail({ purpose: 'cookie.analytics' });
    expect(record).toMatchObject({ decision: 'granted', method: 'banner', givenBy: 'self', subjectId: null, policyVersionId: await env.app.services.policyVersions.recordCurrent() });
    expect(JSON.parse(record.evidence)).toMatchObject({ source: 'banner-v1' });

    env.clock.advance('1h');
    const withdrawn = (await env.gql(RECORD, { input: { deviceId, choices: choices(false) } })).data.recordCookieConsent;
    expect(withdrawn.categories.find((c: any) => c.category === 'analytics').granted).toBe(false);
    expect(await rows()).toBe(6); // append-only: the grant stays as evidence
  });

  it('asks again when a granted choice lapses', async () => {
    await env.gql(RECORD, { input: { deviceId, choices: choices(true) } });
    env.clock.advance('366d');
    const { data } = await env.gql(READ, { deviceId });
    expect(data.cookieConsent.needsDecision).toBe(true);
    expect(data.cookieConsent.categories.find((c: any) => c.category === 'analytics').granted).toBe(false);
  });

  it.each([
    [[{ category: 'essential', granted: false }], /strictly necessary: they need no consent/],
    [[{ category: 'tracking', granted: true }], /No cookie category "tracking"/],
    [[{ category: 'functional', granted: true }], /missing: analytics, performance/],
  ])('refuses %j with a typed error and writes nothing', async (bad, message) => {
    const before = await rows();
    const result = (await env.gql(RECORD, { input: { deviceId, choices: bad } })).data.recordCookieConsent;
    expect(result).toMatchObject({ __typename: 'InvalidConsentPurposeError', errorCode: 'INVALID_CONSENT_PURPOSE', message: expect.stringMatching(message) });
    expect(await rows()).toBe(before);
  });

  it('rejects a malformed device id as bad input', async () => {
    const res = await env.gql(READ, { deviceId: 'x' });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
