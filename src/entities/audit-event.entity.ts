import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal } from './personal-data';

/** bigint columns come back from MySQL as strings: read them as numbers (safe far beyond any audit log). */
export const bigintAsNumber = { to: (v?: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/**
 * One entry of the append-only audit trail: a read or change of personal data, or a workflow step.
 * `hash` = SHA-256(prevHash + canonical JSON of the entry's fields), so editing or deleting any row
 * breaks the chain from there on. Rows of an erased subject are pseudonymized, never deleted.
 *
 * The hash covers keyed pseudonyms (`actorRef`, `subjectRef`, `ipRef`: HMAC-SHA-256 under
 * AUDIT_PSEUDONYM_KEY), never the direct identifiers beside them (`actorId`, `subjectId`, `ip`).
 * Those are lookup copies: erasure sets them to null and the chain stays valid, while verification
 * checks every copy still present against its pseudonym, so editing one is caught too.
 */
@Entity('audit_event')
@Index(['subjectId', 'seq'])
export class AuditEvent {
  /** Position in the chain: 1, 2, 3, … with no gaps. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  @TimeColumn()
  occurredAt!: Date;

  /** Subject id of whoever acted; null for the system (timers, workers) or anonymous callers. */
  @StringColumn(64, { nullable: true })
  actorId!: string | null;

  /** The role the actor acted as: subject, guardian, staff, admin, system, anonymous. */
  @StringColumn(32)
  actorRole!: string;

  /** What happened, dotted: `profile.read`, `profile.update`, `workflow.transition`. */
  @StringColumn(64)
  @Index()
  action!: string;

  /** Whose personal data it concerns. */
  @StringColumn(64, { nullable: true })
  subjectId!: string | null;

  /** HMAC of actorId, subjectId and ip (null where those are null): what the hash covers. */
  @StringColumn(64, { nullable: true })
  actorRef!: string | null;

  @StringColumn(64, { nullable: true })
  subjectRef!: string | null;

  @StringColumn(64, { nullable: true })
  ipRef!: string | null;

  /** Policy data categories touched (JSON array of keys). */
  @TextColumn()
  categories!: string;

  /** Fields touched (JSON array of names); never their values. */
  @TextColumn()
  fields!: string;

  /** The GraphQL operation, page or worker that caused it. */
  @StringColumn(128, { nullable: true })
  operation!: string | null;

  @StringColumn(64, { nullable: true })
  requestId!: string | null;

  @StringColumn(64, { nullable: true })
  ip!: string | null;

  /** Anything else worth keeping, as JSON (no personal data values). */
  @TextColumn()
  details!: string;

  @StringColumn(64)
  prevHash!: string;

  @StringColumn(64)
  hash!: string;
}

/** The single head row of the chain: locked while appending so concurrent writers never fork it. */
@Entity('audit_head')
export class AuditHead {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  @StringColumn(64)
  hash!: string;
}

export const auditEventPersonalData = declarePersonalData(AuditEvent, {
  description: 'The audit trail of reads and changes of personal data (who, what, when, from where).',
  columns: {
    seq: notPersonal,
    occurredAt: personal('technical'),
    actorId: personal('technical'),
    actorRole: notPersonal,
    action: personal('technical'),
    subjectId: personal('technical'),
    actorRef: personal('technical', { pseudonymous: true }),
    subjectRef: personal('technical', { pseudonymous: true }),
    ipRef: personal('technical', { pseudonymous: true }),
    categories: notPersonal,
    fields: notPersonal,
    operation: notPersonal,
    requestId: notPersonal,
    ip: personal('technical'),
    details: notPersonal,
    prevHash: notPersonal,
    hash: notPersonal,
  },
  subjectRows: { column: 'subjectId' },
  // Kept (accountability, GDPR Art 5(2); security investigations) but pseudonymized: the direct
  // identifiers are nulled, the keyed pseudonyms the hash covers stay, so the chain still verifies.
  erasure: {
    strategy: 'pseudonymize',
    reason: 'accountability record (GDPR Art 5(2)); the hash chain covers only keyed pseudonyms',
    apply: async (em, subjectId) => {
      await em.update(AuditEvent, { actorId: subjectId }, { actorId: null, ip: null });
      await em.update(AuditEvent, { subjectId }, { subjectId: null });
    },
  },
});

export const auditHeadPersonalData = declarePersonalData(AuditHead, {
  description: 'The head of the audit chain (sequence and hash).',
  columns: { id: notPersonal, seq: notPersonal, hash: notPersonal },
  subjectRows: { none: 'system row' },
  erasure: { strategy: 'none' },
});
