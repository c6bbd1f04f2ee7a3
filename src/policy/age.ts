import type { JurisdictionRule } from './jurisdictions';

/** Outcomes of the age screen. */
export type AgeOutcome = 'adult' | 'teen' | 'parental_consent_required';

/** Limits that apply to a person under 18 who may consent for themselves. */
export type TeenLimit = 'sale_share_opt_in' | 'high_privacy_defaults';

/** The age of majority for the teen/adult line (product rule; every jurisdiction we serve uses 18). */
export const AGE_OF_MAJORITY = 18;
/** Ages above this are treated as input errors, not people. */
export const MAX_PLAUSIBLE_AGE = 120;


/** Why a teen's data is handled more carefully, with the source of each limit. */
export const TEEN_LIMITS: Record<TeenLimit, string> = {
  sale_share_opt_in: 'Sale or sharing needs the teen’s opt-in (CCPA, Cal. Civ. Code 1798.120(c); 11 CCR 7070)',
  high_privacy_defaults: 'High-privacy settings by default; profiling and geolocation off (UK Children’s Code standard 7; product rule for every minor)',
};

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export type BirthDateProblem = 'impossible' | 'in_future' | 'too_old';

/** A real calendar date (no 30 February), as a UTC midnight. */
export function toCalendarDate({ year, month, day }: CalendarDate): Date | undefined {
  if (![year, month, day].every(Number.isInteger) || month < 1 || month > 12 || day < 1 || day > 31 || year < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

/** Completed years between a birth date and a day (someone born 29 Feb turns a year older on 1 Mar in non-leap years). */
export function ageOn(birth: CalendarDate, today: Date): number {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth() + 1;
  const d = today.getUTCDate();
  let age = y - birth.year;
  if (m < birth.month || (m === birth.month && d < birth.day)) age -= 1;
  return age;
}

/** The day a person born on `birth` reaches `age` (UTC midnight). */
export function birthdayOf(birth: CalendarDate, age: number): Date {
  const year = birth.year + age;
  const exists = toCalendarDate({ year, month: birth.month, day: birth.day });
  return exists ?? new Date(Date.UTC(year, 2, 1));
}

export function checkBirthDate(birth: CalendarDate, today: Date): BirthDateProblem | undefined {
  const date = toCalendarDate(birth);
  if (!date) return 'impossible';
  if (date.getTime() > today.getTime()) return 'in_future';
  if (ageOn(birth, today) > MAX_PLAUSIBLE_AGE) return 'too_old';
  return undefined;
}

export interface AgeDecision {
  outcome: AgeOutcome;
  age: number;
  /** The age of digital consent that applied. */
  threshold: number;
  /** Under this age (France: 15) the child consents jointly with a parent. */
  jointConsent: boolean;
  limits: TeenLimit[];
}

/** The age screen's rule: below the jurisdiction's age a parent consents; up to 18 teen limits apply. */
export function decideAge(age: number, rule: Pick<JurisdictionRule, 'ageOfDigitalConsent' | 'jointConsentUnder' | 'saleOptInUnder'>): AgeDecision {
  const threshold = rule.ageOfDigitalConsent;
  if (age < threshold) {
    return { outcome: 'parental_consent_required', age, threshold, jointConsent: rule.jointConsentUnder !== undefined && age < rule.jointConsentUnder, limits: [] };
  }
  if (age >= AGE_OF_MAJORITY) return { outcome: 'adult', age, threshold, jointConsent: false, limits: [] };
  const limits: TeenLimit[] = [];
  if (rule.saleOptInUnder !== undefined && age < rule.saleOptInUnder) limits.push('sale_share_opt_in');
  limits.push('high_privacy_defaults');
  return { outcome: 'teen', age, threshold, jointConsent: false, limits };
}
