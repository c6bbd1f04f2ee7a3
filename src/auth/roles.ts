import type { SessionAssurance } from '../entities/session.entity';

/** The roles of the API. A session's actor holds one or more; a service key's actor holds SERVICE only. */
export enum Role {
  SUBJECT = 'subject',
  GUARDIAN = 'guardian',
  STAFF = 'staff',
  ADMIN = 'admin',
  /** The site's other services, calling with an API key (ServiceKey): never held by an account. */
  SERVICE = 'service',
}

/**
 * The roles an account (a person) can hold: every role but SERVICE. This is the GraphQL `Role`
 * enum, so grantRole cannot give a person the service role.
 */
export const AccountRole = {
  SUBJECT: Role.SUBJECT,
  GUARDIAN: Role.GUARDIAN,
  STAFF: Role.STAFF,
  ADMIN: Role.ADMIN,
} as const;

/** The service key an actor calls with: its id, public prefix and name (no secret). */
export interface ServiceKeyRef {
  id: string;
  prefix: string;
  name: string;
}

/** Who is asking: set on the request context from a valid session or service key (absent for anonymous requests). */
export interface Actor {
  /**
   * The signed-in person's subject id. For a service key it is the key's id (no person has it): the
   * audit trail then names the key as the actor, and the auth checker lets the actor reach only
   * fields that allow Role.SERVICE.
   */
  subjectId: string;
  /** The session's id; for a service key, the key's id. */
  sessionId: string;
  roles: Role[];
  /** When this session last proved the password / the second factor (step-up checks). */
  passwordVerifiedAt?: Date;
  secondFactorVerifiedAt?: Date;
  /** What this session proved (absent for a service key): staff and admin act only through `second_factor` sessions. */
  assurance?: SessionAssurance;
  mfaEnabled: boolean;
  /** Set when the caller is a service with an API key (roles [SERVICE]). */
  serviceKey?: ServiceKeyRef;
}
