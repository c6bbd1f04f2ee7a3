import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { SubjectAge, type AgeGateCheck } from '../../entities';
import { ageOn, toCalendarDate, type CalendarDate } from '../../policy';
import type { PolicyService } from '../policy.service';

/** A subject's known age and the age lines of their jurisdiction. */
export interface KnownAge {
  age: number;
  jurisdiction: string;
  /** Under this age sale/sharing needs an opt-in (CCPA: 16); 0 where the jurisdiction has no such rule. */
  saleOptInUnder: number;
  /** Under this age a parent decides (the age of digital consent: 13 under COPPA). */
  parentalConsentUnder: number;
}

export interface RecordAgeInput {
  birthDate: CalendarDate;
  jurisdiction: string;
  /** age_gate | parent | staff */
  source: string;
}

/**
 * Known ages (CCPA 11 CCR 7070 "known to be under 16"): written when an age becomes known (the
 * age screen at sign-up, a child account from the parental-consent flow, staff), read by the
 * sale/share rules and `processingAllowed`. A subject without a row is treated as an adult.
 */
export class SubjectAgeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /** Records (or replaces) a subject's date of birth inside the caller's transaction. */
  async record(em: EntityManager, subjectId: string, input: RecordAgeInput): Promise<void> {
    if (!toCalendarDate(input.birthDate)) throw new Error('not a calendar date');
    const { year, month, day } = input.birthDate;
    const birthDate = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const jurisdiction = this.policy.jurisdictionByCode(input.jurisdiction).code;
    // One upsert (INSERT … ON DUPLICATE KEY UPDATE / ON CONFLICT DO UPDATE): a delete of a row that
    // is not there took a gap lock under REPEATABLE READ, and concurrent registrations then deadlocked
    // on each other's gaps.
    await em.upsert(SubjectAge, { subjectId, birthDate, jurisdiction, source: input.source, recordedAt: this.clock.now() }, { conflictPaths: ['subjectId'], skipUpdateIfNoValuesChanged: false });
  }

  /**
   * What an age-screen answer tells about a birth date: the check keeps only the age in completed
   * years and when it was given (never the date itself), so the person is taken to be as young as
   * that answer allows (born on the day of the check, `age` years earlier). The protective choice.
   */
  static fromAgeGateCheck(check: Pick<AgeGateCheck, 'age' | 'decidedAt' | 'jurisdiction'>): RecordAgeInput {
    const d = check.decidedAt;
    const year = d.getUTCFullYear() - check.age;
    const month = d.getUTCMonth() + 1;
    // 29 February in a year without it: 28 February, the youngest date still that age on the day of the check.
    const day = toCalendarDate({ year, month, day: d.getUTCDate() }) ? d.getUTCDate() : 28;
    return { birthDate: { year, month, day }, jurisdiction: check.jurisdiction, source: 'age_gate' };
  }

  async rule(subjectId: string, em: EntityManager = this.db.manager): Promise<KnownAge | undefined> {
    const row = await em.getRepository(SubjectAge).findOneBy({ subjectId });
    return row ? this.fromRow(row) : undefined;
  }

  /** The age lines of a stored row (also used by queries that join subject_age themselves). */
  fromRow(row: Pick<SubjectAge, 'birthDate' | 'jurisdiction'>): KnownAge {
    const [year, month, day] = row.birthDate.split('-').map(Number);
    const rule = this.policy.jurisdictionByCode(row.jurisdiction);
    return {
      age: ageOn({ year, month, day }, this.clock.now()),
      jurisdiction: rule.code,
      saleOptInUnder: rule.saleOptInUnder ?? 0,
      parentalConsentUnder: rule.ageOfDigitalConsent,
    };
  }
}
