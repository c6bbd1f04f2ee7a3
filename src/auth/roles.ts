/** The roles of the API. A session's actor holds one or more. */
export enum Role {
  SUBJECT = 'subject',
  GUARDIAN = 'guardian',
  STAFF = 'staff',
  ADMIN = 'admin',
}

/** Who is asking: set on the request context from a valid session (absent for anonymous requests). */
export interface Actor {
  subjectId: string;
  sessionId: string;
  roles: Role[];
  /** When this session last proved the password / the second factor (step-up checks). */
  passwordVerifiedAt?: Date;
  secondFactorVerifiedAt?: Date;
  mfaEnabled: boolean;
}
