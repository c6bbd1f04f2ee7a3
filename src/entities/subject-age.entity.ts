import { Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';

/**
 * What Consentry knows about a subject's age (CCPA §7070: a consumer "known" to be under 16; wilful
 * disregard counts as knowledge). One row per subject, written when an age becomes known: the age
 * screen at sign-up, a child account created through the parental-consent flow, or staff. A subject
 * without a row is treated as an adult (the age screen is the place where age is asked).
 */
@Entity('subject_age')
export class SubjectAge {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  subjectId!: string;

  /** YYYY-MM-DD as screened; the age on any day is computed from it. */
  @StringColumn(10)
  birthDate!: string;

  /** The jurisdiction code whose rules apply (US-CA, DE, ZZ for unknown). */
  @StringColumn(8)
  jurisdiction!: string;

  /** age_gate | parent | staff */
  @StringColumn(16)
  source!: string;

  @TimeColumn()
  recordedAt!: Date;
}

export const subjectAgePersonalData = declarePersonalData(SubjectAge, {
  description: 'A subject’s date of birth as screened, and the jurisdiction whose age rules apply.',
  columns: {
    subjectId: subjectLink,
    birthDate: personal('account'),
    jurisdiction: personal('account'),
    source: personal('account'),
    recordedAt: personal('account'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});
