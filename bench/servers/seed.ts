import type { App } from '../../src/app';
import { Role } from '../../src/auth/roles';
import { seedWorkflows } from './bench-workflow';

/**
 * Bench-only seeds, made through the service's own services on the target's scratch database, so
 * every GraphQL peer serves the same data. Each answers the runner's `seed` message with the
 * headers and body substitutions of the scenario (tokens and ids differ per database).
 */
export interface SeedAnswer {
  headers: Record<string, string>;
  vars: Record<string, string>;
}

const CTX = { requestId: 'bench-seed', ip: '127.0.0.1' };

/** An account with a session, made directly (registration confirms the address by mail first: not what a bench seed measures). */
async function register(app: App, name: string) {
  const passwordHash = await app.services.passwords.hash('correct horse battery staple bench');
  return app.db.transaction(async (em) => {
    const subject = await app.services.subjects.insertAccount(em, { email: `${name}@bench.example`, passwordHash, passwordChangedAt: app.clock.now(), roles: Role.SUBJECT, displayName: name, locale: 'en', country: 'DE' });
    return app.services.sessions.issue(em, CTX, subject.id, { password: true, secondFactor: false });
  });
}

/** A signed-in subject with 50 consent records (cycling through every purpose, alternating decisions). */
async function consentState(app: App): Promise<SeedAnswer> {
  const { token, session } = await register(app, 'consent-subject');
  const purposes = app.services.consent.purposes();
  await app.db.transaction(async (em) => {
    for (let i = 0; i < 50; i++) {
      await app.services.consent.record(em, { subjectId: session.subjectId }, { purpose: purposes[i % purposes.length].key, decision: i % 3 === 0 ? 'denied' : 'granted', method: 'settings', givenBy: 'self' });
    }
  });
  return { headers: { authorization: `Bearer ${token}` }, vars: {} };
}

/**
 * A service key, as the site's other services call (README "Service keys"), issued by an admin with a
 * second factor, and one subject asked about. The admin's roles are the actor the services are handed
 * (createServiceKey's auth checker only reads the actor; TOTP would need a code).
 */
async function processingAllowed(app: App): Promise<SeedAnswer> {
  const subject = await register(app, 'processed-subject');
  const admin = await register(app, 'key-admin');
  const actor = { subjectId: admin.session.subjectId, sessionId: admin.session.id, roles: [Role.ADMIN], mfaEnabled: true };
  const issued = await app.services.serviceKeys.create({ ...CTX, actor }, { name: 'bench', description: 'bench processingAllowed' });
  if (!('key' in issued)) throw new Error(`bench seed: createServiceKey failed: ${issued.message}`);
  return { headers: { authorization: `Bearer ${issued.key}` }, vars: { SUBJECT_ID: subject.session.subjectId } };
}

async function workflowStep(app: App): Promise<SeedAnswer> {
  await seedWorkflows(app);
  return { headers: {}, vars: {} };
}

export const SEEDS: Record<string, (app: App) => Promise<SeedAnswer>> = { consentState, processingAllowed, workflowStep };

/** Answers the runner's `seed` message for this target. */
export function answerSeeds(app: App): void {
  process.on('message', (msg: { type: string; id: number; name?: string }) => {
    if (msg.type !== 'seed') return;
    const seed = SEEDS[msg.name ?? ''];
    (seed ? seed(app) : Promise.resolve({ headers: {}, vars: {} })).then(
      (answer) => process.send?.({ type: 'seeded', id: msg.id, ...answer }),
      (error: Error) => process.send?.({ type: 'seeded', id: msg.id, error: error.message }),
    );
  });
}
