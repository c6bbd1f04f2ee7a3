import { Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * A rights request (GDPR Arts 15–21, CCPA know/delete/opt-out, COPPA parental review) and the
 * record CCPA §7101 asks for: date, nature, manner, response date, response, basis of denial.
 * Kept 24 months after it closes.
 */
@Entity('privacy_request')
@Index(['status', 'dueAt'])
export class PrivacyRequest {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The right, as a policy right key: access, erasure, ccpa_opt_out, … */
  @StringColumn(64)
  type!: string;

  /** gdpr | ccpa | coppa */
  @StringColumn(16)
  regime!: string;

  @StringColumn(36, { nullable: true })
  @Index()
  subjectId!: string | null;

  /** Where the answer goes when the requester is not signed in (opt-out by email). Erased with the request. */
  @StringColumn(254, { nullable: true })
  requesterEmail!: string | null;

  /** How it came in (§7101 "manner"): api, email_link, gpc, staff, page. */
  @StringColumn(32)
  manner!: string;

  /** received, awaiting_confirmation, in_progress, completed, denied, cancelled, expired, failed */
  @StringColumn(32)
  status!: string;

  @TimeColumn()
  receivedAt!: Date;

  /** The policy's (or, if stricter, the law's) deadline for the answer. */
  @TimeColumn()
  dueAt!: Date;

  /** Set when extended (GDPR +2 months, CCPA +45 days) with the person told why. */
  @TimeColumn({ nullable: true })
  extendedDueAt!: Date | null;

  @TextColumn({ nullable: true })
  extensionReason!: string | null;

  /** CCPA §7021(a): receipt confirmed within 10 business days. */
  @TimeColumn({ nullable: true })
  acknowledgedAt!: Date | null;

  /** The verification steps passed so far, JSON array of policy verification step keys. */
  @TextColumn()
  verification!: string;

  /** The workflow that runs it, if any. */
  @StringColumn(36, { nullable: true })
  workflowId!: string | null;

  /** What it asks for, JSON (e.g. categories to erase), without personal values. */
  @TextColumn()
  details!: string;

  @TimeColumn({ nullable: true })
  respondedAt!: Date | null;

  /** The answer given (§7101 "response"), for people. */
  @TextColumn({ nullable: true })
  response!: string | null;

  /** Why it was denied in whole or part (§7101), e.g. "Art 17(3)(b): transaction records kept 7 years". */
  @TextColumn({ nullable: true })
  denialBasis!: string | null;

  /** Records are erased 24 months after closing (11 CCR 7101(a)). */
  @TimeColumn({ nullable: true })
  retainUntil!: Date | null;
}

export const privacyRequestPersonalData = declarePersonalData(PrivacyRequest, {
  description: 'The subject’s privacy requests and the answers given (CCPA 11 CCR 7101 records).',
  columns: {
    id: notPersonal,
    type: personal('communication'),
    regime: personal('communication'),
    subjectId: subjectLink,
    requesterEmail: personal('account'),
    manner: personal('communication'),
    status: personal('communication'),
    receivedAt: personal('communication'),
    dueAt: notPersonal,
    extendedDueAt: notPersonal,
    extensionReason: personal('communication'),
    acknowledgedAt: personal('communication'),
    verification: personal('communication'),
    workflowId: notPersonal,
    details: personal('communication'),
    respondedAt: personal('communication'),
    response: personal('communication'),
    denialBasis: personal('communication'),
    retainUntil: notPersonal,
  },
  subjectRows: { column: 'subjectId' },
  erasure: {
    strategy: 'pseudonymize',
    reason: '11 CCR 7101 keeps the record of each request for 24 months: the contact address goes, the record stays.',
    apply: async (em, subjectId) => {
      await em.update(PrivacyRequest, { subjectId }, { requesterEmail: null });
    },
  },
});
