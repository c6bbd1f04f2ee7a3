import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';

/** bigint columns come back from MySQL as strings: read them as numbers (safe far beyond any audit log). */
export const bigintAsNumber = { to: (v?: number) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/**
 * One entry of the append-only audit trail: a read or change of personal data, or a workflow step.
 * `hash` = SHA-256(prevHash + canonical JSON of the entry's fields), so editing or deleting any row
 * breaks the chain from there on. Rows of an erased subject are pseudonymized, never deleted.
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
