import { Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * pending (direct notice sent) → awaiting_verification (stronger method for disclosure, staff) → active;
 * revoked; aged_up (the teen decides now); erasure_held (the child's erasure is due, but a legal hold
 * keeps the data until it is released: see `heldErasure`).
 */
export type GuardianLinkStatus = 'pending' | 'awaiting_verification' | 'active' | 'revoked' | 'aged_up' | 'erasure_held';

/** Why a child's data is erased: the parent declined, did not answer, asked for it, or the retention after a revocation ended. */
export type ChildErasureReason = 'declined' | 'expired' | 'parent_request' | 'retention_ended';

/**
 * A parent ↔ child link (COPPA §312.5): the parent's email (the only contact data collected before
 * consent, §312.5(c)(1)), the child's screened date of birth and jurisdiction, how the parent was
 * verified and which feature permissions they gave. Deleted with the child's data on decline or expiry.
 */
@Entity('guardian_link')
export class GuardianLink {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The child subject. */
  @StringColumn(36)
  @Index()
  childId!: string;

  /** Lower-cased. */
  @StringColumn(254)
  @Index()
  parentEmail!: string;

  /** The passwordless parent subject the dashboard link signs in as (GuardianService.signIn), once used. */
  @StringColumn(36, { nullable: true })
  parentSubjectId!: string | null;

  /**
   * The parent's own password account, linked with linkGuardianAccount (proof of control of this
   * parent address: a one-use dashboard link). Its own sessions act as the guardian.
   */
  @StringColumn(36, { nullable: true })
  @Index()
  guardianAccountId!: string | null;

  @StringColumn(32)
  status!: GuardianLinkStatus;

  /** email_plus, or the stronger method that verified the parent for disclosing features: signed_form, phone_call, video_call, staff_verified (CONSENT_METHODS in src/policy/consent-purposes.ts); null before consent. */
  @StringColumn(32, { nullable: true })
  verificationMethod!: string | null;

  /** JSON array of the feature keys (policy children.features) the parent allowed. */
  @TextColumn()
  permissions!: string;

  /** YYYY-MM-DD as screened by the age gate (for the age-up at the local threshold). */
  @StringColumn(10)
  childBirthDate!: string;

  /** The jurisdiction code whose threshold applied (US, DE, US-CA…). */
  @StringColumn(8)
  jurisdiction!: string;

  /** The parental-consent workflow. */
  @StringColumn(36)
  workflowId!: string;

  @TimeColumn({ nullable: true })
  consentedAt!: Date | null;

  /**
   * The erasure that came due while a legal hold was in force on the child (status erasure_held):
   * it runs when the child's last hold is released (ChildErasureService). Null otherwise.
   */
  @StringColumn(32, { nullable: true })
  heldErasure!: ChildErasureReason | null;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn()
  updatedAt!: Date;
}

export const guardianLinkPersonalData = declarePersonalData(GuardianLink, {
  description: 'The parent of a child account: the parent’s email, how they were verified, and the permissions they gave.',
  columns: {
    id: notPersonal,
    childId: subjectLink,
    parentEmail: personal('account'),
    parentSubjectId: personal('account'),
    guardianAccountId: personal('account'),
    status: personal('preference'),
    verificationMethod: personal('preference'),
    permissions: personal('preference'),
    childBirthDate: personal('account'),
    jurisdiction: personal('account'),
    workflowId: notPersonal,
    consentedAt: personal('preference'),
    heldErasure: personal('preference'),
    createdAt: personal('account'),
    updatedAt: notPersonal,
  },
  subjectRows: { column: 'childId' },
  // COPPA §312.5(c)(1): the parent's contact data goes when no consent comes, on decline, and on deletion.
  erasure: { strategy: 'delete' },
});
