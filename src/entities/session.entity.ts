import { Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * What this session proved about its holder. `second_factor`: the password and the second factor
 * (at sign-in, when two-factor was turned on in it, or by `reauthenticate` with a code);
 * `password`: the password only; `email_link`: a parent's one-use dashboard link, no password.
 * Staff and admin act only through `second_factor` sessions.
 */
export type SessionAssurance = 'password' | 'second_factor' | 'email_link';

/**
 * A signed-in session. Only the SHA-256 of the bearer token is stored; the token itself is shown
 * once, at sign-in. The device, IP and user agent are the policy's technical data.
 */
@Entity('session')
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(36)
  @Index()
  subjectId!: string;

  @StringColumn(64, { unique: true })
  tokenHash!: string;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn()
  expiresAt!: Date;

  /** Updated at most once a minute (SessionService), so a request costs one indexed read. */
  @TimeColumn()
  lastUsedAt!: Date;

  @TimeColumn({ nullable: true })
  revokedAt!: Date | null;

  /** sign_out, sign_out_everywhere, revoked, password_changed, second_factor_changed */
  @StringColumn(32, { nullable: true })
  revokedReason!: string | null;

  @StringColumn(64)
  ip!: string;

  @StringColumn(512, { nullable: true })
  userAgent!: string | null;

  @StringColumn(100, { nullable: true })
  deviceName!: string | null;

  /** Step-up: when this session last proved the password / the second factor. */
  @TimeColumn({ nullable: true })
  passwordVerifiedAt!: Date | null;

  @TimeColumn({ nullable: true })
  secondFactorVerifiedAt!: Date | null;

  @StringColumn(16, { default: 'password' })
  assurance!: SessionAssurance;
}

export const sessionPersonalData = declarePersonalData(Session, {
  description: 'Sessions: when and from which device, IP and browser a person signed in.',
  columns: {
    id: notPersonal,
    subjectId: subjectLink,
    tokenHash: notPersonal,
    createdAt: personal('technical'),
    expiresAt: notPersonal,
    lastUsedAt: personal('technical'),
    revokedAt: personal('technical'),
    revokedReason: notPersonal,
    ip: personal('technical'),
    userAgent: personal('technical'),
    deviceName: personal('technical'),
    passwordVerifiedAt: personal('technical'),
    secondFactorVerifiedAt: personal('technical'),
    assurance: notPersonal,
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});
