import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * Append-only evidence of a consent decision (GDPR Art 7(1): consent must be demonstrable): who
 * decided what, for whom, under which policy version, how, and when. The current state of a
 * purpose is its latest record; nothing is ever updated in place.
 */
@Entity('consent_record')
@Index(['subjectId', 'purpose'])
@Index(['deviceKey', 'purpose'])
export class ConsentRecord {
  /** Increasing: the order decisions were recorded in, even two in the same millisecond. */
  @PrimaryGeneratedColumn()
  id!: number;

  /** The person it concerns, when known. */
  @StringColumn(36, { nullable: true })
  subjectId!: string | null;

  /** The device it concerns (HMAC of the app's device id), for choices made before or without sign-in. */
  @StringColumn(64, { nullable: true })
  deviceKey!: string | null;

  /** cookie.analytics, marketing.email, sale_share, child.collection, … (src/policy/consent-purposes.ts) */
  @StringColumn(64)
  purpose!: string;

  /** granted | denied | withdrawn */
  @StringColumn(16)
  decision!: string;

  /** banner, settings, checkbox, gpc, email_plus, signed_form, staff_verified, email_link, system */
  @StringColumn(32)
  method!: string;

  /** self | parent | staff | system */
  @StringColumn(16)
  givenBy!: string;

  /** The parent or staff member who decided, when not the person themselves. */
  @StringColumn(36, { nullable: true })
  givenBySubjectId!: string | null;

  /** The policy version (policy_version.id) the decision was made under. */
  @Column({ type: 'int' })
  policyVersionId!: number;

  /** How it was given, as JSON without personal values (form id, workflow id, evidence reference). */
  @TextColumn()
  evidence!: string;

  @TimeColumn()
  recordedAt!: Date;

  /** When a granted consent lapses and must be asked again (cookie consent renewal). */
  @TimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

export const consentRecordPersonalData = declarePersonalData(ConsentRecord, {
  description: 'Consent decisions: for which purpose, granted or not, how, by whom and under which policy version.',
  columns: {
    id: notPersonal,
    subjectId: subjectLink,
    deviceKey: personal('technical', { pseudonymous: true }),
    purpose: personal('preference'),
    decision: personal('preference'),
    method: personal('preference'),
    givenBy: personal('preference'),
    givenBySubjectId: personal('preference'),
    policyVersionId: notPersonal,
    evidence: personal('preference'),
    recordedAt: personal('preference'),
    expiresAt: personal('preference'),
  },
  subjectRows: { column: 'subjectId' },
  // The audit trail keeps a pseudonymous record that each decision was made.
  erasure: { strategy: 'delete' },
});
