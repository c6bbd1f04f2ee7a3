import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal } from './personal-data';

/**
 * One submission of the age screen. Neither the device id, the email/username tried, nor the date
 * of birth is stored: only keyed hashes that let a later submission be matched (anti-retry) and a
 * child registration be checked against the date that was screened.
 */
@Entity('age_gate_check')
export class AgeGateCheck {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(64)
  @Index()
  deviceKey!: string;

  @StringColumn(64, { nullable: true })
  @Index()
  identifierKey!: string | null;

  @StringColumn(64)
  birthDateKey!: string;

  /** adult | teen | parental_consent_required: this submission's own result. */
  @StringColumn(32)
  outcome!: string;

  /** Age in completed years at the time of the check. */
  @Column({ type: 'int' })
  age!: number;

  @Column({ type: 'int' })
  threshold!: number;

  @Column({ type: 'boolean' })
  jointConsent!: boolean;

  /** Teen limits as a JSON array. */
  @TextColumn()
  limits!: string;

  /** The jurisdiction code whose rule applied (DE, US-CA, ZZ for unknown). */
  @StringColumn(8)
  jurisdiction!: string;

  /** True when an earlier submission from this device or identifier gave a different date of birth. */
  @Column({ type: 'boolean' })
  retried!: boolean;

  /** The check whose decision was answered (itself, or a more protective earlier one). */
  @StringColumn(36)
  appliedCheckId!: string;

  @TimeColumn()
  @Index()
  decidedAt!: Date;
}

export const ageGateCheckPersonalData = declarePersonalData(AgeGateCheck, {
  description: 'Age-screen answers, bound to keyed hashes of the device, the email or username tried, and the date of birth.',
  columns: {
    id: notPersonal,
    deviceKey: personal('technical', { pseudonymous: true }),
    identifierKey: personal('account', { pseudonymous: true }),
    birthDateKey: personal('account', { pseudonymous: true }),
    outcome: personal('account'),
    age: personal('account'),
    threshold: notPersonal,
    jointConsent: personal('account'),
    limits: personal('account'),
    jurisdiction: personal('account'),
    retried: personal('technical'),
    appliedCheckId: notPersonal,
    decidedAt: personal('technical'),
  },
  subjectRows: { none: 'checks hold only keyed hashes of a device and of the email tried, never a subject id; they lapse with the retry window and the technical-data retention' },
  erasure: { strategy: 'none' },
});
