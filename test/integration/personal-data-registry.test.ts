import { ENTITIES, Profile, RecoveryCode, Session, Subject } from '../../src/entities';
import { personalDataDeclaration } from '../../src/entities/personal-data';
import { NOT_READABLE } from '../../src/services/personal-data/personal-data.service';
import { enableMfa, register } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

describe('personal-data registry', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  it('has a declaration for every entity, covering every column, with categories the policy knows', () => {
    const categories = new Set(env.app.services.policy.view().dataCategories.map((c) => c.key));
    const problems: string[] = [];
    for (const entity of ENTITIES) {
      const name = (entity as { name: string }).name;
      const declaration = personalDataDeclaration(entity);
      if (!declaration) {
        problems.push(`${name}: no declarePersonalData(${name}, …) next to the entity`);
        continue;
      }
      const columns = env.app.dataSource.getMetadata(entity).columns.map((c) => c.propertyName);
      for (const column of columns) if (!(column in declaration.columns)) problems.push(`${name}.${column}: not declared personal or not personal`);
      for (const column of Object.keys(declaration.columns)) if (!columns.includes(column)) problems.push(`${name}.${column}: declared but not a column`);
      for (const [column, decl] of Object.entries(declaration.columns)) {
        if (decl.personal && !categories.has(decl.category)) problems.push(`${name}.${column}: unknown policy data category "${decl.category}"`);
      }
      const how = declaration.subjectRows;
      if ('column' in how && !columns.includes(how.column)) problems.push(`${name}: subjectRows.column ${how.column} is not a column`);
      if (declaration.erasure.strategy === 'none' && Object.values(declaration.columns).some((c) => c.personal) && !('none' in how)) {
        problems.push(`${name}: holds personal data of a subject but erasure is "none"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists everything held about a subject by policy category, secrets unreadable', async () => {
    const user = await register(env, { displayName: 'Inge Inventory' });
    await env.gql('mutation { updateProfile(input: { bio: "Knows everything.", telephone: "+14155550123", interests: ["maps"] }) { __typename } }', {}, { token: user.token });
    await enableMfa(env, user);
    const inventory = await env.app.services.personalData.inventory(user.subjectId);
    const byKey = Object.fromEntries(inventory.map((c) => [c.category, c]));
    // communication: the sign-up mail (registration confirms the address by mail first).
    expect(inventory.map((c) => c.category)).toEqual(['account', 'profile', 'service', 'technical', 'communication', 'preference']);
    expect(byKey.communication.held.map((h) => h.entity)).toEqual(['OutboxMessage']);
    expect(byKey.account.name).toBe('Account data');
    expect(byKey.account.held[0]).toMatchObject({ entity: 'Subject', rows: [expect.objectContaining({ email: user.email, displayName: 'Inge Inventory', telephone: '+14155550123' })] });
    expect(byKey.profile.held[0].rows[0]).toMatchObject({ bio: 'Knows everything.', interests: '["maps"]' });
    const service = byKey.service.held.find((h) => h.entity === 'Subject')!;
    expect(service.rows[0]).toMatchObject({ passwordHash: NOT_READABLE, totpSecret: NOT_READABLE });
    expect(byKey.service.held.find((h) => h.entity === 'RecoveryCode')!.rows).toHaveLength(10);
    const technical = byKey.technical.held.map((h) => h.entity);
    expect(technical).toEqual(expect.arrayContaining(['Session', 'AuditEvent']));
    expect(byKey.technical.held.find((h) => h.entity === 'AuditEvent')!.erasure).toMatch(/^pseudonymize/);
    expect(JSON.stringify(inventory)).not.toMatch(/scrypt\$/);
  });

  it('erases a subject as declared: deletes, pseudonymizes, keeps the audit chain valid', async () => {
    const user = await register(env, { displayName: 'Erin Erased' });
    await env.gql('mutation { updateProfile(input: { username: "erin_e", telephone: "+14155550199" }) { __typename } }', {}, { token: user.token });
    await enableMfa(env, user);
    const report = await env.app.db.transaction((em) => env.app.services.personalData.erase(em, user.subjectId));
    expect(report.deleted).toMatchObject({ Profile: 1, Session: 1, RecoveryCode: 10 });
    expect(report.pseudonymized).toEqual(['AuditEvent', 'Subject', 'PrivacyRequest']);

    const ds = env.app.dataSource;
    expect(await ds.getRepository(Profile).countBy({ subjectId: user.subjectId })).toBe(0);
    expect(await ds.getRepository(Session).countBy({ subjectId: user.subjectId })).toBe(0);
    expect(await ds.getRepository(RecoveryCode).countBy({ subjectId: user.subjectId })).toBe(0);
    const tombstone = await ds.getRepository(Subject).findOneByOrFail({ id: user.subjectId });
    expect(tombstone).toMatchObject({ status: 'erased', passwordHash: null, telephone: null, displayName: '', totpSecret: null });
    expect(tombstone.erasedAt).not.toBeNull();
    const everything = JSON.stringify(await env.app.services.personalData.inventory(user.subjectId));
    expect(everything).not.toMatch(new RegExp(`${user.email}|Erin|erin_e|4155550199`));
    expect(await env.app.services.audit.verifyChain()).toMatchObject({ ok: true });
    // The token no longer works and the email can register again.
    expect((await env.gql('{ me { id } }', {}, { token: user.token })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await register(env, { email: user.email })).subjectId).not.toBe(user.subjectId);
  });
});
