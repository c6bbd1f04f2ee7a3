import { createTestEnv } from '../helpers/test-env';

describe('graceful stop', () => {
  it('finishes in-flight requests, then refuses new connections and closes the database', async () => {
    const env = await createTestEnv();
    const { app } = env;
    // Hold a request in flight: an age-gate check that waits until the test lets it go.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowCheck = app.services.ageGate.check.bind(app.services.ageGate);
    app.services.ageGate.check = async (req) => {
      await gate;
      return slowCheck(req);
    };
    const inFlight = env.gql('mutation { ageGate(input: { dateOfBirth: { day: 1, month: 1, year: 1990 }, deviceId: "device-graceful-000001" }) { __typename } }');
    await new Promise((r) => setTimeout(r, 100));
    const stopping = env.stop();
    await new Promise((r) => setTimeout(r, 100));
    release();
    const res = await inFlight;
    expect(res.data.ageGate.__typename).toBe('AgeGateDecision');
    await stopping;
    await expect(fetch(`${env.url}/healthz`)).rejects.toThrow();
    expect(app.dataSource.isInitialized).toBe(false);
  });
});

describe('graceful stop behind a load balancer', () => {
  it('answers 503 on /readyz at once, keeps serving for SHUTDOWN_DRAIN, then closes the port', async () => {
    const env = await createTestEnv({ env: { SHUTDOWN_DRAIN: '1500ms' } });
    const readyz = () => fetch(`${env.url}/readyz`);
    expect((await readyz()).status).toBe(200);
    const began = Date.now();
    const stopping = env.stop();
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', reason: 'shutting down' });
    // Still alive, and still serving the API while the balancer takes the process out.
    expect((await fetch(`${env.url}/healthz`)).status).toBe(200);
    const served = await env.gql('{ privacyPolicy { id } }');
    expect(served.data).toEqual({ privacyPolicy: { id: 'm_exe' } });
    // Each response ends its keep-alive connection, so clients reconnect elsewhere before the port closes.
    expect(served.headers.get('connection')).toBe('close');
    await new Promise((r) => setTimeout(r, 500));
    expect((await env.gql('{ privacyPolicy { id } }')).data).toEqual({ privacyPolicy: { id: 'm_exe' } });
    await stopping;
    expect(Date.now() - began).toBeGreaterThanOrEqual(1400);
    await expect(fetch(`${env.url}/healthz`)).rejects.toThrow();
    expect(env.app.dataSource.isInitialized).toBe(false);
  });
});
