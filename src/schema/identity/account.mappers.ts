import type { Session as SessionRow } from '../../entities';
import { DomainError } from '../../errors';
import type { IssuedSession } from '../../services/identity/session.service';
import type { Account } from '../../services/identity/subject.service';
import { rolesOf } from '../../services/identity/session.service';
import { AuthPayload, Me, Session, SessionAssuranceEnum, SubjectStatusEnum } from './account.types';

/** Entities → API types, field by field: nothing reaches the schema by accident. */

export function toMe(account: Account): Me {
  const { subject, profile } = account;
  return Object.assign(new Me(), {
    id: subject.id,
    email: subject.email,
    status: subject.status as SubjectStatusEnum,
    roles: rolesOf(subject),
    displayName: subject.displayName,
    locale: subject.locale,
    country: subject.country,
    telephone: subject.telephone,
    postalAddress: account.postalAddress ? { line2: null, region: null, ...account.postalAddress } : null,
    accountSettings: account.accountSettings,
    profile: { username: profile.username, pictureUrl: profile.pictureUrl, bio: profile.bio, interests: account.interests, professionalCredentials: account.professionalCredentials },
    mfaEnabled: !!subject.mfaEnabledAt,
    createdAt: new Date(subject.createdAt),
  });
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

export function toSession(row: SessionRow, currentSessionId?: string): Session {
  return Object.assign(new Session(), {
    id: row.id,
    current: row.id === currentSessionId,
    createdAt: date(row.createdAt)!,
    lastUsedAt: date(row.lastUsedAt)!,
    expiresAt: date(row.expiresAt)!,
    ip: row.ip,
    userAgent: row.userAgent,
    deviceName: row.deviceName,
    passwordVerifiedAt: date(row.passwordVerifiedAt),
    secondFactorVerifiedAt: date(row.secondFactorVerifiedAt),
    assurance: row.assurance as SessionAssuranceEnum,
  });
}

export function toAuthPayload(issued: IssuedSession): AuthPayload {
  return Object.assign(new AuthPayload(), { id: issued.session.id, token: issued.token, sessionId: issued.session.id, subjectId: issued.session.subjectId, expiresAt: date(issued.session.expiresAt)! });
}

/** Passes a DomainError through (the union resolves it to its error type) and maps a success. */
export function mapResult<T, R>(result: T | DomainError, map: (value: T) => R): R | DomainError {
  return result instanceof DomainError ? result : map(result);
}
