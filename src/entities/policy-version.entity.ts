import { Entity, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal } from './personal-data';

/**
 * Every version of the policy the service has run with, kept whole: a consent record names the
 * version it was given under, and this row shows exactly what that person was told.
 */
@Entity('policy_version')
export class PolicyVersion {
  @PrimaryGeneratedColumn()
  id!: number;

  @StringColumn(64)
  policyId!: string;

  @StringColumn(64)
  version!: string;

  /** SHA-256 of the canonical JSON of the document. */
  @StringColumn(64, { unique: true })
  contentHash!: string;

  @TextColumn()
  document!: string;

  @TimeColumn()
  firstServedAt!: Date;
}

export const policyVersionPersonalData = declarePersonalData(PolicyVersion, {
  description: 'Policy documents the service has served.',
  columns: { id: notPersonal, policyId: notPersonal, version: notPersonal, contentHash: notPersonal, document: notPersonal, firstServedAt: notPersonal },
  subjectRows: { none: 'no personal data' },
  erasure: { strategy: 'none' },
});
