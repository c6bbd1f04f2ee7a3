import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { counts, enableMfa, PASSWORD, register, registerRaw, signIn, uniqueEmail } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('rate limits on sign-in, registration and second-factor checks', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({
      env: {
        TRUST_PROXY: 'true',
        RATE_LIMIT_SIGN_IN_ACCOUNT: '3/15m',
        RATE_LIMIT_SIGN_IN_IP: '6/10m',
        RATE_LIMIT_SIGN_IN_SLOWDOWN: '4/15m',
        RATE_LIMIT_REGISTER_ACCOUNT: '2/1h',
        RATE_LIMIT_REGISTER_IP: '4/1h',
        RATE_LIMIT_SECOND_FACTOR_ACCOUNT: '2/5m',
        RATE_LIMIT_SECOND_FACTOR_IP: '50/5m',
      },
    });
  });
  afterAll(() => env?.stop());

  it('limits attempts per account and client: the guessing address is blocked, the owner elsewhere is not (issue 11 §9)', async () => {
    const user = await register(env, {}, from('10.0.0.1'));
    for (let i = 0; i < 3; i++) {
      expect((await signIn(env, { email: user.email, password: 'wrong password!' }, from('10.0.1.1'))).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    }
    const sessions = await counts(env, ['session']);
    env.clock.advance('5m');
    const blocked = await signIn(env, { email: user.email.toUpperCase(), password: PASSWORD }, from('10.0.1.1'));
    expect(blocked.data.signIn).toEqual({ __typename: 'RateLimitedError', errorCode: 'RATE_LIMITED', message: 'Too many attempts. Try again in 10 minutes.', retryAfterSeconds: 600 });
    expect(await counts(env, ['session'])).toEqual(sessions);
    // The owner, from anywhere else, signs in at once (before: locked out for the window).
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.1.4'))).data.signIn.__typename).toBe('AuthPayload');
    // For IPv6 the client is the /64: its other addresses are blocked too, the owner still is not.
    for (let i = 0; i < 3; i++) await signIn(env, { email: user.email, password: 'wrong password!' }, from(`2001:db8:7:7::${i + 1}`));
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('2001:db8:7:7::99'))).data.signIn.__typename).toBe('RateLimitedError');
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.1.4'))).data.signIn.__typename).toBe('AuthPayload');
    env.clock.advance('10m');
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.1.1'))).data.signIn.__typename).toBe('AuthPayload');
  });

  it('slows an account down after many failures from everywhere, and never slows its owner’s usual network', async () => {
    const user = await register(env, {}, from('10.0.7.1'));
    const wrong = (ip: string) => signIn(env, { email: user.email, password: 'wrong password!' }, from(ip));
    for (let i = 1; i <= 4; i++) expect((await wrong(`10.0.8.${i}`)).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    const sessions = await counts(env, ['session']);
    // Four failures (RATE_LIMIT_SIGN_IN_SLOWDOWN 4/15m): the next try from anywhere new waits 1 s, then 2 s, 4 s, … at most 15m/4.
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.8.5'))).data.signIn).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 1 });
    expect(await counts(env, ['session'])).toEqual(sessions);
    env.clock.advance('1s');
    expect((await wrong('10.0.8.5')).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const slowed = (await wrong(`10.0.8.${10 + i}`)).data.signIn;
      expect(slowed.__typename).toBe('RateLimitedError');
      waits.push(slowed.retryAfterSeconds);
      env.clock.advance(`${slowed.retryAfterSeconds}s`);
      expect((await wrong(`10.0.8.${10 + i}`)).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 225, 225, 225]);
    // The owner's usual network (where the account signed in before) is not slowed down at all.
    expect((await wrong('10.0.8.30')).data.signIn.__typename).toBe('RateLimitedError');
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.7.1'))).data.signIn.__typename).toBe('AuthPayload');
    // Their success forgets the failures: anyone may try again without waiting.
    expect((await wrong('10.0.8.31')).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
  });

  it('forgets an account’s failed attempts after a successful sign-in', async () => {
    const user = await register(env, {}, from('10.0.2.1'));
    for (let i = 0; i < 2; i++) await signIn(env, { email: user.email, password: 'wrong password!' }, from('10.0.2.2'));
    expect((await signIn(env, { email: user.email, password: PASSWORD }, from('10.0.2.2'))).data.signIn.__typename).toBe('AuthPayload');
    for (let i = 0; i < 3; i++) expect((await signIn(env, { email: user.email, password: 'wrong password!' }, from('10.0.2.3'))).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
  });

  it('blocks an address that tries many accounts, and only that address', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await signIn(env, { email: uniqueEmail('spray'), password: 'wrong password!' }, from('10.0.3.1'))).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
    }
    const blocked = await signIn(env, { email: uniqueEmail('spray'), password: 'wrong password!' }, from('10.0.3.1'));
    expect(blocked.data.signIn).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 600 });
    expect((await signIn(env, { email: uniqueEmail('spray'), password: 'wrong password!' }, from('10.0.3.2'))).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
  });

  it('limits registrations per client and per mailbox (any spelling or +tag of it), writing nothing when blocked', async () => {
    const input = () => ({ email: uniqueEmail('reg'), password: PASSWORD, displayName: 'Reg Istrant', locale: 'en', country: 'US' });
    for (let i = 0; i < 4; i++) expect((await registerRaw(env, input(), from('10.0.4.1'))).data.registerSubject.__typename).toBe('RegistrationPending');
    const tables = ['subject', 'session', 'audit_event', 'outbox_message'];
    const before = await counts(env, tables);
    const blocked = await registerRaw(env, input(), from('10.0.4.1'));
    expect(blocked.data.registerSubject).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 3600 });
    expect(await counts(env, tables)).toEqual(before);

    // RATE_LIMIT_REGISTER_ACCOUNT (2/1h) counts the mailbox: case and +tags do not multiply it (issue 11 §8).
    const [local, domain] = uniqueEmail('box').split('@');
    const spelled = (email: string, ip: string) => registerRaw(env, { ...input(), email }, from(ip));
    expect((await spelled(`${local}+a@${domain.toUpperCase()}`, '10.0.4.2')).data.registerSubject.__typename).toBe('RegistrationPending');
    expect((await spelled(`${local.toUpperCase()}+b@${domain}`, '10.0.4.3')).data.registerSubject.__typename).toBe('RegistrationPending');
    expect((await spelled(`${local}@${domain}`, '10.0.4.4')).data.registerSubject).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 3600 });
  });

  it('limits second-factor checks per account', async () => {
    const user = await register(env, {}, from('10.0.5.1'));
    await enableMfa(env, user);
    // Confirming the enrolment was the first check of the window (limit 2).
    expect((await signIn(env, { email: user.email, password: PASSWORD, totpCode: '000000' }, from('10.0.5.2'))).data.signIn.errorCode).toBe('INVALID_SECOND_FACTOR');
    const blocked = await signIn(env, { email: user.email, password: PASSWORD, recoveryCode: 'AAAAA-AAAAA' }, from('10.0.5.3'));
    expect(blocked.data.signIn).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 300 });
  });

  it('shares the counters between processes through the database', async () => {
    const second = await createApp(env.app.config, { clock: env.clock, logger: createLogger('silent') });
    try {
      const email = uniqueEmail('shared');
      const ctx = { ip: '10.0.6.1' };
      await env.app.services.sessions.signIn(ctx, { email, password: 'wrong password!' });
      await second.services.sessions.signIn(ctx, { email, password: 'wrong password!' });
      await env.app.services.sessions.signIn(ctx, { email, password: 'wrong password!' });
      expect(await second.services.sessions.signIn(ctx, { email, password: 'wrong password!' })).toMatchObject({ errorCode: 'RATE_LIMITED' });
    } finally {
      await second.stop();
    }
  });
});

describe('rate limits under concurrency', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { RATE_LIMIT_SIGN_IN_ACCOUNT: '5/15m' } });
  });
  afterAll(() => env?.stop());

  it('counts parallel attempts exactly, without deadlocks', async () => {
    const email = uniqueEmail('burst');
    const results = await Promise.all(Array.from({ length: 12 }, () => env.app.services.sessions.signIn({ ip: '10.9.9.9' }, { email, password: 'wrong password!' })));
    const codes = results.map((r) => (r as { errorCode: string }).errorCode);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(7);
  });
});
