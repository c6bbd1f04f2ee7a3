import { AgeGateCheck } from '../../src/entities';
import { expectInvalidInput, INVALID_INPUT } from '../helpers/invalid-input';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const AGE_GATE = `mutation($input: AgeGateInput!) {
  ageGate(input: $input) {
    __typename
    ... on AgeGateDecision { checkId outcome threshold jointConsent repeated legalSource limits { limit description } jurisdiction { code regime } }
    ... on InvalidDateOfBirthError { errorCode message reason }
    ${INVALID_INPUT}
  }
}`;

describe('age gate', () => {
  let env: TestEnv;
  let device = 0;
  const newDevice = () => `device-${String(++device).padStart(12, '0')}`;
  const checks = () => env.app.dataSource.getRepository(AgeGateCheck).count();
  const ageGate = async (input: Record<string, unknown>) => {
    const res = await env.gql(AGE_GATE, { input });
    return res.data?.ageGate ?? res;
  };

  beforeAll(async () => {
    env = await createTestEnv(); // clock: 2026-03-02
  });
  afterAll(() => env?.stop());

  it('asks for parental consent for a 10-year-old in the US, citing COPPA', async () => {
    const answer = await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2015 }, country: 'US', deviceId: newDevice() });
    expect(answer).toMatchObject({ __typename: 'AgeGateDecision', outcome: 'PARENTAL_CONSENT_REQUIRED', threshold: 13, repeated: false, jurisdiction: { code: 'US', regime: 'COPPA' } });
    expect(answer.legalSource).toMatch(/16 CFR 312/);
  });

  it('uses the state rule: a 14-year-old Californian is a teen with sale opt-in', async () => {
    const answer = await ageGate({ dateOfBirth: { day: 1, month: 1, year: 2012 }, country: 'us', region: 'ca', deviceId: newDevice() });
    expect(answer).toMatchObject({ outcome: 'TEEN', jurisdiction: { code: 'US-CA' } });
    expect(answer.limits.map((l: any) => l.limit)).toEqual(['SALE_SHARE_OPT_IN', 'HIGH_PRIVACY_DEFAULTS']);
  });

  it('applies each country’s GDPR age, France’s joint consent, and the request country as fallback', async () => {
    const fourteen = { day: 1, month: 1, year: 2012 };
    expect(await ageGate({ dateOfBirth: fourteen, country: 'DE', deviceId: newDevice() })).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', threshold: 16 });
    expect(await ageGate({ dateOfBirth: fourteen, country: 'AT', deviceId: newDevice() })).toMatchObject({ outcome: 'TEEN', threshold: 14 });
    expect(await ageGate({ dateOfBirth: fourteen, country: 'FR', deviceId: newDevice() })).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', jointConsent: true });
    expect(await ageGate({ dateOfBirth: fourteen, requestCountry: 'GB', deviceId: newDevice() })).toMatchObject({ outcome: 'TEEN', threshold: 13, jurisdiction: { code: 'GB' } });
    expect(await ageGate({ dateOfBirth: fourteen, deviceId: newDevice() })).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', threshold: 16, jurisdiction: { code: 'ZZ' } });
  });

  it('does not let a child retry with an older date: the first answer holds, and the retry is recorded', async () => {
    const deviceId = newDevice();
    const first = await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2015 }, country: 'US', deviceId });
    const retry = await ageGate({ dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId });
    expect(retry).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: true });
    expect(retry.checkId).not.toBe(first.checkId);
    const rows = await env.app.dataSource.getRepository(AgeGateCheck).find({ where: { deviceKey: env.app.services.ageGate['keyring'].key('age-gate-device', deviceId) }, order: { decidedAt: 'ASC', id: 'ASC' } });
    expect(rows).toHaveLength(2);
    const retried = rows.find((r) => r.id === retry.checkId)!;
    expect(retried).toMatchObject({ outcome: 'adult', retried: true, appliedCheckId: first.checkId });
  });

  it('binds the answer to the email tried too, across devices', async () => {
    await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2015 }, country: 'US', deviceId: newDevice(), identifier: 'Kid@Example.com' });
    const other = await ageGate({ dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId: newDevice(), identifier: ' kid@example.com ' });
    expect(other).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: true });
  });

  it('takes a younger date after an older one as knowledge: the more protective answer wins', async () => {
    const deviceId = newDevice();
    expect(await ageGate({ dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId })).toMatchObject({ outcome: 'ADULT' });
    expect(await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2016 }, country: 'US', deviceId })).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: false });
    expect(await ageGate({ dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId })).toMatchObject({ outcome: 'PARENTAL_CONSENT_REQUIRED', repeated: true });
  });

  it('forgets after the retry window', async () => {
    const deviceId = newDevice();
    await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2015 }, country: 'US', deviceId });
    env.clock.advance('31d');
    expect(await ageGate({ dateOfBirth: { day: 5, month: 6, year: 1990 }, country: 'US', deviceId })).toMatchObject({ outcome: 'ADULT', repeated: false });
  });

  it.each([
    [{ day: 30, month: 2, year: 2015 }, 'IMPOSSIBLE'],
    [{ day: 1, month: 1, year: 2099 }, 'IN_FUTURE'],
    [{ day: 1, month: 1, year: 1850 }, 'TOO_OLD'],
  ])('answers %j with a typed error and records nothing', async (dateOfBirth, reason) => {
    const before = await checks();
    expect(await ageGate({ dateOfBirth, country: 'US', deviceId: newDevice() })).toMatchObject({ __typename: 'InvalidDateOfBirthError', errorCode: 'INVALID_DATE_OF_BIRTH', reason });
    expect(await checks()).toBe(before);
  });

  it.each([
    [{ deviceId: 'short' }, 'deviceId'],
    [{ country: 'Germany' }, 'country'],
    [{ region: 'California!' }, 'region'],
  ])('rejects malformed input %j as InvalidInputError (as data, issue 12) and records nothing', async (bad, property) => {
    const before = await checks();
    const res = await env.gql(AGE_GATE, { input: { dateOfBirth: { day: 1, month: 1, year: 2000 }, deviceId: newDevice(), ...bad } });
    expectInvalidInput(res, `input.${property}`);
    expect(await checks()).toBe(before);
  });

  it('stores no device id, email or date of birth in the clear', async () => {
    const deviceId = newDevice();
    await ageGate({ dateOfBirth: { day: 5, month: 6, year: 2015 }, country: 'US', deviceId, identifier: 'plain@example.com' });
    const dump = JSON.stringify(await env.app.dataSource.query('SELECT * FROM age_gate_check'));
    expect(dump).not.toContain(deviceId);
    expect(dump).not.toContain('plain@example.com');
    expect(dump).not.toContain('2015');
  });
});
