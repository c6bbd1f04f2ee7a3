import { Writable } from 'node:stream';
import { ConsentRecord, DeviceOptOut, PrivacyRequest } from '../../src/entities';
import { isDomainError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { OptOutService } from '../../src/services/opt-out/opt-out.service';
import { DeviceOptOutService } from '../../src/services/opt-out/device-opt-out.service';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks/recipient.service';
import { counts, register } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const TABLES = ['privacy_request', 'workflow', 'timer', 'consent_record', 'device_opt_out', 'audit_event', 'outbox_message'];
const POLICY = '{ privacyPolicy { id } }';

/**
 * Global Privacy Control from devices nobody signed in on: anyone can send `Sec-GPC: 1` with a new
 * device id on every request, so it must be honoured idempotently and cheaply (one record per device,
 * no privacy request or workflow per device, recipients told in a digest, new devices bounded per IP).
 */
describe('Global Privacy Control from devices', () => {
  let env: TestEnv;
  let receiver: WebhookReceiver;
  let secret: string;
  const logLines: { level: string; msg: string }[] = [];
  let n = 0;
  const newDevice = () => `gpc-flood-device-${String(++n).padStart(6, '0')}-${Date.now()}`;
  const gpc = (deviceId: string, ip = '192.0.2.1') => env.gql(POLICY, {}, { headers: { 'Sec-GPC': '1', 'X-Consentry-Device': deviceId, 'X-Forwarded-For': ip } });

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    env = await createTestEnv({ env: { TRUST_PROXY: 'true', RATE_LIMIT_GPC_DEVICE_IP: '20/1h' }, logger: createLogger('warn', stream) });
    receiver = await startWebhookReceiver();
    const registered = await env.app.services.recipients.register({ name: 'Ad platform', description: 'Advertising partner', webhookUrl: receiver.url, events: ['opt_out'] });
    if (isDomainError(registered)) throw new Error(registered.message);
    secret = registered.secret;
  });
  afterAll(async () => {
    await env?.stop();
    await receiver?.close();
  });
  beforeEach(async () => {
    // Tell recipients about what earlier tests recorded, so each test counts only its own.
    await env.workers.sendGpcDigest();
    await env.workers.sendMail();
    receiver.received.length = 0;
    logLines.length = 0;
  });

  const delta = (before: Record<string, number>, after: Record<string, number>) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));

  it('100 requests with new device ids from one client write a bounded number of rows, no request or workflow, and one digest webhook', async () => {
    const before = await counts(env, TABLES);
    const devices = Array.from({ length: 100 }, newDevice);
    for (let i = 0; i < devices.length; i += 10) {
      const answers = await Promise.all(devices.slice(i, i + 10).map((d) => gpc(d, '198.51.100.7')));
      // GPC never makes a request fail, over the bound too.
      for (const res of answers) expect(res.data).toEqual({ privacyPolicy: { id: 'm_exe' } });
    }
    // 20 devices recorded (RATE_LIMIT_GPC_DEVICE_IP), each once: one device row and one consent record; nothing else.
    expect(delta(before, await counts(env, TABLES))).toEqual({ privacy_request: 0, workflow: 0, timer: 0, consent_record: 20, device_opt_out: 20, audit_event: 0, outbox_message: 0 });
    const warned = logLines.filter((l) => l.level === 'warn' && /^Global Privacy Control: too many new devices from one client address/.test(l.msg));
    expect(warned).toHaveLength(1);

    // The digest: one signed webhook per recipient naming every device, one audit entry, and the raw ids forgotten.
    expect(await env.workers.sendGpcDigest()).toBe(20);
    expect(delta(before, await counts(env, TABLES))).toMatchObject({ outbox_message: 1, audit_event: 1, workflow: 0 });
    await env.workers.sendMail();
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0];
    expect(verifyWebhook(secret, String(headers[SIGNATURE_HEADER.toLowerCase()]), body, Math.floor(env.clock.now().getTime() / 1000))).toBe(true);
    const notice = JSON.parse(body);
    expect(notice).toMatchObject({ type: 'opt_out', subjectId: null, data: { method: 'gpc', purposes: ['sale_share'] } });
    expect(notice.data.deviceIds).toHaveLength(20);
    expect(devices).toEqual(expect.arrayContaining(notice.data.deviceIds));
    expect(await env.app.dataSource.getRepository(DeviceOptOut).count({ where: { deviceId: notice.data.deviceIds[0] } })).toBe(0);
    expect(await env.workers.sendGpcDigest()).toBe(0);

    // Another client is not held back by the first one's bound.
    const other = newDevice();
    await gpc(other, '203.0.113.9');
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ deviceKey: env.app.services.consent.deviceKey(other), method: 'gpc' })).toBe(1);
    // A device over the bound is recorded later, once its client is under the bound again.
    let late: string | undefined;
    for (const d of devices) if (!late && !(await env.app.services.deviceOptOuts.isOptedOut(env.app.services.consent.deviceKey(d)))) late = d;
    env.clock.advance('61m');
    await gpc(late!, '198.51.100.7');
    expect(await env.app.services.deviceOptOuts.isOptedOut(env.app.services.consent.deviceKey(late!))).toBe(true);
  });

  it('costs no write for a device already opted out, also after the process cache has expired', async () => {
    const device = newDevice();
    await gpc(device);
    const before = await counts(env, [...TABLES, 'rate_limit_counter']);
    const hits = async () => (await env.app.dataSource.query('SELECT SUM(hits) AS n FROM rate_limit_counter'))[0].n;
    const hitsBefore = await hits();
    for (let i = 0; i < 5; i++) await gpc(device);
    env.clock.advance('11m'); // past the per-process cache
    for (let i = 0; i < 5; i++) await gpc(device);
    expect(await counts(env, [...TABLES, 'rate_limit_counter'])).toEqual(before);
    expect(await hits()).toEqual(hitsBefore);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ deviceKey: env.app.services.consent.deviceKey(device) })).toBe(1);
  });

  it('records a device once when its signals arrive at the same time, in one process or in several', async () => {
    const device = newDevice();
    const answers = await Promise.all(Array.from({ length: 10 }, () => gpc(device)));
    for (const res of answers) expect(res.errors).toBeUndefined();
    const key = env.app.services.consent.deviceKey(device);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ deviceKey: key })).toBe(1);

    // Another process: its own service instance (no shared in-process state), racing this one's.
    const { db, clock, services, logger } = env.app;
    const elsewhere = new DeviceOptOutService(db, clock, services.consent, services.rateLimits, services.recipientNotices, services.audit, env.app.config.RATE_LIMIT_GPC_DEVICE_IP, logger);
    const raced = newDevice();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? elsewhere : services.deviceOptOuts).optOut({ deviceId: raced, ip: `192.0.2.${100 + i}`, requestId: `race-${i}` })),
    );
    expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r === 'known')).toHaveLength(5);
    const rkey = services.consent.deviceKey(raced);
    expect(await env.app.dataSource.getRepository(DeviceOptOut).countBy({ deviceKey: rkey })).toBe(1);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ deviceKey: rkey })).toBe(1);
  });

  it('names at most 200 devices per digest webhook, also with the longest device ids', async () => {
    const { deviceOptOuts } = env.app.services;
    const ids = Array.from({ length: 201 }, (_, i) => `${String(i).padStart(4, '0')}-${'x'.repeat(123)}`);
    for (const [i, deviceId] of ids.entries()) expect(await deviceOptOuts.optOut({ deviceId, ip: `10.20.${i >> 8}.${i & 255}` })).toBe('recorded');
    expect(await env.workers.sendGpcDigest()).toBe(201);
    await env.workers.sendMail();
    const named = receiver.received.map((r) => JSON.parse(r.body).data.deviceIds.length);
    expect(named.sort((a, b) => b - a)).toEqual([200, 1]);
    expect(receiver.received.flatMap((r) => JSON.parse(r.body).data.deviceIds).sort()).toEqual(ids);
  });

  it('opens one ccpa_opt_out request for a signed-in subject whose signals reach several processes at once', async () => {
    const user = await register(env);
    const { actor } = await env.app.services.sessions.authenticate(user.token);
    const s = env.app.services;
    const elsewhere = new OptOutService(env.app.db, env.app.clock, s.consent, s.privacyRequests, s.workflows, s.recipients, s.subjectAges, s.audit, s.calendar, s.deviceOptOuts);
    const ctx = { gpc: true, actor, requestId: 'gpc-race' };
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? elsewhere : s.optOut).applyGpc(ctx)));
    expect(await env.app.dataSource.getRepository(PrivacyRequest).countBy({ subjectId: user.subjectId, type: 'ccpa_opt_out' })).toBe(1);
    expect(await env.app.dataSource.getRepository(ConsentRecord).countBy({ subjectId: user.subjectId, purpose: 'sale_share' })).toBe(1);
  });
});
