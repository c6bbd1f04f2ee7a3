import { Role, type Actor } from '../../src/auth/roles';
import { authChecker } from '../../src/schema/auth-checker';
import type { RequestContext } from '../../src/schema/context';
import { auditOrigin, staffRole } from '../../src/services/call-context';

const KEY_ID = '3f0c1c56-0d7e-4b8a-9a55-2f7e0c1d9b11';
const service: Actor = { subjectId: KEY_ID, sessionId: KEY_ID, roles: [Role.SERVICE], mfaEnabled: false, serviceKey: { id: KEY_ID, prefix: '0123456789ab', name: 'billing' } };
const person = (roles: Role[], mfaEnabled = true, assurance: Actor['assurance'] = 'second_factor'): Actor => ({ subjectId: 'person-1', sessionId: 's-1', roles, mfaEnabled, assurance });
const check = (actor: Actor, roles: Role[]) => authChecker({ context: { actor } as RequestContext, root: {}, args: {}, info: {} as never }, roles);

describe('the service actor', () => {
  it('reaches only fields that name the service role', () => {
    expect(check(service, [Role.SERVICE, Role.STAFF, Role.ADMIN])).toBe(true);
    // "Any signed-in caller" (me, own consents) is a person, never a service.
    expect(() => check(service, [])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => check(service, [Role.STAFF, Role.ADMIN])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('gives a person nothing for a service role found on the account', () => {
    expect(check(person([Role.SUBJECT, Role.SERVICE]), [Role.SERVICE, Role.STAFF])).toBe(false);
    expect(check(person([Role.SUBJECT, Role.STAFF]), [Role.SERVICE, Role.STAFF])).toBe(true);
  });

  it('gives staff power only to a session that proved the second factor (issue 11 §6)', () => {
    expect(check(person([Role.SUBJECT, Role.STAFF], true, 'second_factor'), [Role.STAFF])).toBe(true);
    expect(() => check(person([Role.SUBJECT, Role.STAFF], true, 'password'), [Role.STAFF])).toThrow(expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/without the second factor/) }));
    expect(() => check(person([Role.SUBJECT, Role.ADMIN], true, 'email_link'), [Role.ADMIN])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => check(person([Role.SUBJECT, Role.STAFF], false, 'second_factor'), [Role.STAFF])).toThrow(expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/must enable two-factor/) }));
    // A password-only session still does what the subject role allows.
    expect(check(person([Role.SUBJECT, Role.STAFF], true, 'password'), [Role.SUBJECT])).toBe(true);
  });

  it('is audited as the service, with its key as the actor', () => {
    expect(auditOrigin({ actor: service, requestId: 'r-1' }, staffRole(service))).toEqual({ actorId: KEY_ID, actorRole: 'service', requestId: 'r-1', ip: null });
    expect(staffRole(person([Role.SUBJECT, Role.STAFF]))).toBe('staff');
  });
});
