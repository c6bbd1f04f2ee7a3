import { AuditEvent } from '../../src/schema/audit/audit.types';
import { RoleAssignment } from '../../src/schema/identity/account.types';

describe('entity ids of the audit and role types (issue 12)', () => {
  it('an audit event’s id is its chain position; a role assignment’s id is its subject', () => {
    expect(Object.assign(new AuditEvent(), { seq: 42 }).id).toBe('42');
    expect(Object.assign(new RoleAssignment(), { subjectId: 's-1', roles: [] }).id).toBe('s-1');
  });
});
