import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/** A one-time recovery code for the second factor: shown once at enrolment, stored as SHA-256. */
@Entity('recovery_code')
@Index(['subjectId', 'codeHash'])
export class RecoveryCode {
  @PrimaryGeneratedColumn()
  id!: number;

  @StringColumn(36)
  subjectId!: string;

  @StringColumn(64)
  codeHash!: string;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn({ nullable: true })
  usedAt!: Date | null;
}

export const recoveryCodePersonalData = declarePersonalData(RecoveryCode, {
  description: 'Second-factor recovery codes (hashed).',
  columns: {
    id: notPersonal,
    subjectId: subjectLink,
    codeHash: personal('service', { pseudonymous: true }),
    createdAt: personal('service'),
    usedAt: personal('service'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});
