import { Entity, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';

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
