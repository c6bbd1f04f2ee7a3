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
