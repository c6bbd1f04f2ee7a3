import { Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * A hold on a subject's data placed by privacy staff: while active, erasure and retention purges
 * keep the data (GDPR Art 17(3)(b) legal obligation, (e) legal claims; security investigations).
 * Holds are never deleted: releasing one records who released it and when.
 */
@Entity('legal_hold')
@Index(['subjectId', 'releasedAt'])
export class LegalHold {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(36)
  subjectId!: string;

  /** A retention exception key of the policy: legal_obligation, dispute_resolution, security_investigation. */
  @StringColumn(64)
  reason!: string;

  /** Staff's own words: the case, the matter, the ticket. Internal; never shown to the subject. */
  @TextColumn()
  note!: string;

  @StringColumn(36)
  placedBy!: string;

  @TimeColumn()
  placedAt!: Date;

  @StringColumn(36, { nullable: true })
  releasedBy!: string | null;

  @TimeColumn({ nullable: true })
  releasedAt!: Date | null;
}

export const legalHoldPersonalData = declarePersonalData(LegalHold, {
  description: 'Legal holds staff placed on the subject’s data, with their reason.',
  columns: {
    id: notPersonal,
    subjectId: subjectLink,
    reason: personal('communication'),
    note: personal('communication'),
    placedBy: notPersonal,
    placedAt: personal('communication'),
    releasedBy: notPersonal,
    releasedAt: personal('communication'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'keep', legalBasis: 'legal_obligation', retention: 'A hold is what keeps data from erasure: it stays until staff release it.' },
});
