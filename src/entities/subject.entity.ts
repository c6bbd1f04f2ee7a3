import { Column, Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal } from './personal-data';

export type SubjectStatus = 'active' | 'pending_parental_consent' | 'restricted' | 'erased';

/**
 * A person with an account: the policy's account data (name, email, telephone, postal address,
 * account settings) and the credentials of the account (service data). Profile data is in Profile.
 */
@Entity('subject')
export class Subject {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Lower-cased; unique. Changed only through SubjectService.changeEmail (after the new address is confirmed). */
  @StringColumn(254, { unique: true })
  email!: string;

  /** `scrypt$ln=15,r=8,p=1$salt$hash` (PasswordHasher); null until an admin finishes setup. */
  @StringColumn(255, { nullable: true })
  passwordHash!: string | null;

  @TimeColumn({ nullable: true })
  passwordChangedAt!: Date | null;

  @StringColumn(32)
  status!: SubjectStatus;

  /** Comma-separated roles: subject, guardian, staff, admin. */
  @StringColumn(64)
  roles!: string;

  @StringColumn(100)
  displayName!: string;

  /** BCP 47 language tag for mails and pages. */
  @StringColumn(35)
  locale!: string;

  /** ISO 3166-1 alpha-2 country (jurisdiction). */
  @StringColumn(2)
  country!: string;

  @StringColumn(32, { nullable: true })
  telephone!: string | null;

  /** JSON {line1, line2, city, region, postalCode, country}. */
  @TextColumn({ nullable: true })
  postalAddress!: string | null;

  /** JSON of the account settings (communication preferences, security settings). */
  @TextColumn()
  accountSettings!: string;

  /** The TOTP secret, sealed with AES-256-GCM (SecretBox, a key derived from APP_SECRET); pending until mfaEnabledAt is set. */
  @StringColumn(128, { nullable: true })
  totpSecret!: string | null;

  @TimeColumn({ nullable: true })
  mfaEnabledAt!: Date | null;

  /** The 30-second step of the last accepted TOTP code: a code of that step or earlier is a replay. */
  @Column({ type: 'int', nullable: true })
  totpLastStep!: number | null;

  /** SHA-256 of the one-time setup token of an account created by `npm run admin:create`. */
  @StringColumn(64, { nullable: true, unique: true })
  setupTokenHash!: string | null;

  @TimeColumn({ nullable: true })
  setupTokenExpiresAt!: Date | null;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn()
  updatedAt!: Date;

  @TimeColumn({ nullable: true })
  erasedAt!: Date | null;

  /**
   * The site's own user id for this person (federation: the site's `User @key(fields: "id")`), set
   * with a service key (ExternalIdService); unique, null until linked and after erasure.
   */
  @StringColumn(128, { nullable: true, unique: true })
  externalId!: string | null;
}

export const subjectPersonalData = declarePersonalData(Subject, {
  description: 'The account: who the person is, how to reach them, and how they sign in.',
  columns: {
    id: notPersonal,
    email: personal('account'),
    passwordHash: personal('service', { pseudonymous: true }),
    passwordChangedAt: personal('service'),
    status: personal('account'),
    roles: personal('service'),
    displayName: personal('account'),
    locale: personal('preference'),
    country: personal('account'),
    telephone: personal('account'),
    postalAddress: personal('account'),
    accountSettings: personal('account'),
    totpSecret: personal('service', { pseudonymous: true }),
    mfaEnabledAt: personal('service'),
    totpLastStep: notPersonal,
    setupTokenHash: notPersonal,
    setupTokenExpiresAt: notPersonal,
    createdAt: personal('account'),
    updatedAt: notPersonal,
    erasedAt: notPersonal,
    externalId: personal('account'),
  },
  subjectRows: { column: 'id' },
  // The row stays as a tombstone (status erased, every personal column blanked) so the id never
  // comes back and audit rows keep pointing at "an erased subject".
  erasure: {
    strategy: 'pseudonymize',
    reason: 'tombstone: the id stays so references and the audit trail resolve to "erased"',
    apply: async (em, subjectId) => {
      await em.update(Subject, { id: subjectId }, {
        email: `erased+${subjectId}@invalid`,
        passwordHash: null,
        status: 'erased',
        roles: '',
        displayName: '',
        telephone: null,
        postalAddress: null,
        accountSettings: '{}',
        totpSecret: null,
        mfaEnabledAt: null,
        setupTokenHash: null,
        setupTokenExpiresAt: null,
        externalId: null,
      });
    },
  },
});
