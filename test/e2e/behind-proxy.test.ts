import { signIn, uniqueEmail } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { withTestFlow } from '../helpers/workflow-fixtures';

/** Behind a TLS-terminating proxy: cookies stay Secure, and per-IP limits count an IPv6 client by its /64. */
describe('behind a proxy', () => {
  let n = 0;
  async function linkPage(env: TestEnv): Promise<Response> {
    const email = `proxy-${++n}@example.test`;
    await env.app.services.workflows.start({ machineId: 'test-flow', input: { email, locale: 'en', ttl: '24h' } });
    await env.workers.sendMail();
    const link = env.mail.linkIn(await env.mail.expectOne({ to: email, template: 'test-confirm' }));
    return fetch(link.replace(env.app.config.publicUrl, env.url));
  }

  describe('PUBLIC_URL is https, TLS ends at the proxy, TRUST_PROXY unset', () => {
    let env: TestEnv;
    beforeAll(async () => {
      env = await createTestEnv({ ...withTestFlow, env: { PUBLIC_URL: 'https://consent.example.test' } });
    });
    afterAll(() => env?.stop());

    it('marks the link page cookie Secure although the request reached us over plain http', async () => {
      const res = await linkPage(env);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/^consentry_link=[^;]+;.*; Secure(;|$)/);
    });
  });

  describe('PUBLIC_URL is http (a bare machine)', () => {
    let env: TestEnv;
    beforeAll(async () => {
      env = await createTestEnv(withTestFlow);
    });
    afterAll(() => env?.stop());

    it('sets the cookie without Secure, so the pages work over http://localhost', async () => {
      const res = await linkPage(env);
      expect(res.headers.get('set-cookie')).toMatch(/^consentry_link=/);
      expect(res.headers.get('set-cookie')).not.toMatch(/Secure/i);
    });
  });

  describe('TRUST_PROXY set, IPv6 clients', () => {
    let env: TestEnv;
    beforeAll(async () => {
      env = await createTestEnv({ env: { TRUST_PROXY: 'true', LINK_RATE_LIMIT: '3', RATE_LIMIT_SIGN_IN_IP: '3/10m', RATE_LIMIT_SIGN_IN_ACCOUNT: '100/10m' } });
    });
    afterAll(() => env?.stop());
    const from = (ip: string) => ({ 'x-forwarded-for': ip });

    it('counts unknown-link lookups per /64: new addresses in the same /64 do not reset the limit', async () => {
      const lookup = (ip: string) => fetch(`${env.url}/l/not-a-real-token-${ip}`, { headers: from(ip) });
      for (const ip of ['2001:db8:aa:1::1', '2001:db8:aa:1::2', '2001:db8:aa:1:ffff::3']) expect((await lookup(ip)).status).toBe(404);
      const blocked = await lookup('2001:db8:aa:1:1234:5678:9abc:def0');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another /64 is another client; IPv4 addresses are still counted one by one.
      expect((await lookup('2001:db8:aa:2::1')).status).toBe(404);
      expect((await lookup('192.0.2.10')).status).toBe(404);
    });

    it('counts sign-in attempts per /64', async () => {
      const attempt = (ip: string) => signIn(env, { email: uniqueEmail('v6'), password: 'wrong password!' }, from(ip));
      for (const ip of ['2001:db8:bb:1::1', '2001:db8:bb:1::2', '2001:db8:bb:1::3']) expect((await attempt(ip)).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
      expect((await attempt('2001:db8:bb:1::4')).data.signIn.errorCode).toBe('RATE_LIMITED');
      expect((await attempt('2001:db8:bb:2::1')).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
      // A dual-stack socket's IPv4-mapped form is the same client as the plain IPv4 address.
      for (const ip of ['192.0.2.20', '::ffff:192.0.2.20', '192.0.2.20']) expect((await attempt(ip)).data.signIn.errorCode).toBe('INVALID_CREDENTIALS');
      expect((await attempt('::ffff:192.0.2.20')).data.signIn.errorCode).toBe('RATE_LIMITED');
    });
  });
});
