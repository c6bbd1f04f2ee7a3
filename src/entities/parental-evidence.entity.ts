import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/** signed_form: the parent uploaded the signed consent form; phone_call / video_call: the parent asked to be checked that way. */
export type ParentalEvidenceMethod = 'signed_form' | 'phone_call' | 'video_call';

/**
 * What a parent returned for a stronger verification than email plus (COPPA §312.5(b)(2)): a signed
 * consent form (its bytes sealed with AES-256-GCM in ParentalEvidencePart rows, never on a local
 * disk: every server process must read it) or a request for a call or video check with the contact
 * to use. Written by the parental-consent workflow's `storeParentalEvidence` effect.
 *
 * Retention: the evidence proves the consent records that name it (`evidence.evidenceId`), so it
 * lives exactly as long as they do: it is erased with the child's data (decline, expiry, the
 * parent's deletion, an erasure request), like the consent records, and kept otherwise, also when
 * staff rejected it (it then proves the denied record).
 */
@Entity('parental_evidence')
export class ParentalEvidence {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The parental-consent workflow. */
  @StringColumn(36)
  @Index()
  workflowId!: string;

  /** The child subject. */
  @StringColumn(36)
  @Index()
  childId!: string;

  @StringColumn(16)
  method!: ParentalEvidenceMethod;

  /** Of a signed form: sniffed from its first bytes (application/pdf, image/jpeg, image/png, image/webp, image/heic). */
  @StringColumn(32, { nullable: true })
  contentType!: string | null;

  /** Of a signed form: its size in bytes (before encryption). */
  @Column({ type: 'int', nullable: true })
  byteSize!: number | null;

  /** Of a signed form: SHA-256 (hex) of its bytes, so staff can tell a form sent twice. */
  @StringColumn(64, { nullable: true })
  sha256!: string | null;

  /** Of a call request: the phone number, or the video contact (e.g. an address for a video call). */
  @StringColumn(254, { nullable: true })
  contact!: string | null;

  /** Of a call request: when the parent prefers to be called, in their words. */
  @StringColumn(200, { nullable: true })
  preferredTime!: string | null;

  @TimeColumn()
  createdAt!: Date;
}

/**
 * One piece of a sealed signed form, in order. Pieces stay under MySQL's BLOB limit (64 KiB), so
 * the same column type holds a form of any allowed size on SQLite and MySQL/MariaDB alike.
 */
@Entity('parental_evidence_part')
@Index(['evidenceId', 'seq'], { unique: true })
export class ParentalEvidencePart {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(36)
  evidenceId!: string;

  /** The child subject (so erasure finds the pieces directly). */
  @StringColumn(36)
  @Index()
  childId!: string;

  @Column({ type: 'int' })
  seq!: number;

  /** The piece of iv ‖ tag ‖ AES-256-GCM ciphertext (key derived from APP_SECRET, evidence and workflow id as context). */
  @Column({ type: 'blob' })
  data!: Buffer;
}

export const parentalEvidencePersonalData = declarePersonalData(ParentalEvidence, {
  description: 'What a parent returned for a stronger verification: a signed consent form (encrypted) or a request for a call or video check with the contact to use.',
  columns: {
    id: notPersonal,
    workflowId: notPersonal,
    childId: subjectLink,
    method: personal('preference'),
    contentType: personal('account'),
    byteSize: personal('account'),
    sha256: personal('account', { pseudonymous: true }),
    contact: personal('account'),
    preferredTime: personal('account'),
    createdAt: personal('preference'),
  },
  subjectRows: { column: 'childId' },
  // Retention follows the consent records it proves: they are deleted with the child's data, so is this.
  erasure: { strategy: 'delete' },
});

export const parentalEvidencePartPersonalData = declarePersonalData(ParentalEvidencePart, {
  description: 'The signed consent form a parent uploaded, encrypted, in pieces.',
  columns: {
    id: notPersonal,
    evidenceId: notPersonal,
    childId: subjectLink,
    seq: notPersonal,
    // Encrypted: exports and the parent's review say it is held, never show its bytes.
    data: personal('account', { pseudonymous: true }),
  },
  subjectRows: { column: 'childId' },
  erasure: { strategy: 'delete' },
});
