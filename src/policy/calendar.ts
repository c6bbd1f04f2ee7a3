import type { Regime } from './jurisdictions';
import type { Period } from './policy.schema';

/**
 * Deadlines: calendar periods (hours, days, months, years) and business days (CCPA §7026's 15
 * business days to honour an opt-out). A business day is Monday–Friday and not a holiday of the
 * calendar in use. Dates are handled in UTC: a "day" is a UTC calendar day.
 *
 * Calendars: `us-federal` (5 U.S.C. 6103), `uk-england-wales` (bank holidays), `de` (the nine
 * national public holidays of Germany), `fr` (the eleven jours fériés of the Code du travail) and
 * `none` (weekends only). Which one a request uses follows its jurisdiction (`calendarNameFor`).
 */

const DAY = 86_400_000;

export const HOLIDAY_CALENDARS = ['us-federal', 'uk-england-wales', 'de', 'fr', 'none'] as const;
export type HolidayCalendarName = (typeof HOLIDAY_CALENDARS)[number];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

/** The n-th given weekday (0 = Sunday) of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): Date {
  if (n > 0) {
    const first = utc(year, month, 1);
    return utc(year, month, 1 + ((weekday - first.getUTCDay() + 7) % 7) + (n - 1) * 7);
  }
  const last = utc(year, month + 1, 0);
  return utc(year, month, last.getUTCDate() - ((last.getUTCDay() - weekday + 7) % 7));
}

const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY);

/**
 * Easter Sunday of a year in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus /
 * Jones / Butcher): the anchor of Good Friday, Easter Monday, Ascension and Whit Monday.
 */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

/** A fixed-date holiday on a weekend is observed on the Friday before or the Monday after (5 U.S.C. 6103(b)). */
function observed(date: Date): Date {
  const day = date.getUTCDay();
  if (day === 6) return new Date(date.getTime() - DAY);
  if (day === 0) return new Date(date.getTime() + DAY);
  return date;
}

/** US federal holidays of a year as observed (5 U.S.C. 6103(a)). */
export function usFederalHolidays(year: number): string[] {
  return [
    observed(utc(year, 1, 1)), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    observed(utc(year, 6, 19)), // Juneteenth
    observed(utc(year, 7, 4)), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    observed(utc(year, 11, 11)), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    observed(utc(year, 12, 25)), // Christmas Day
  ].map(iso);
}

/** A weekend day moves to the next weekday not already taken (the UK's substitute days). */
function substitute(date: Date, taken: readonly Date[]): Date {
  let d = date;
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6 || taken.some((t) => t.getTime() === d.getTime())) d = addDays(d, 1);
  return d;
}

/**
 * One-off bank holidays by royal proclamation (Banking and Financial Dealings Act 1971 s.1(3)):
 * moved or added days that no rule computes. `moved` replaces a computed day of that year.
 */
const UK_PROCLAIMED: Record<number, { add?: string[]; moved?: Record<string, string> }> = {
  2020: { moved: { '2020-05-04': '2020-05-08' } }, // early May bank holiday moved to VE Day
  2022: { moved: { '2022-05-30': '2022-06-02' }, add: ['2022-06-03', '2022-09-19'] }, // Platinum Jubilee; State Funeral of Queen Elizabeth II
  2023: { add: ['2023-05-08'] }, // Coronation of King Charles III
};

/**
 * Bank holidays of England and Wales (Banking and Financial Dealings Act 1971 Sch 1 and the
 * yearly royal proclamations; the list gov.uk/bank-holidays publishes): New Year's Day, Good
 * Friday, Easter Monday, the first and last Mondays of May, the last Monday of August, Christmas
 * Day and Boxing Day, a weekend one carried to the next free weekday.
 */
export function ukEnglandWalesBankHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const newYear = substitute(utc(year, 1, 1), []);
  const christmas = substitute(utc(year, 12, 25), [utc(year, 12, 26)].filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6));
  const boxing = substitute(utc(year, 12, 26), [christmas]);
  const days = [
    newYear,
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Easter Monday
    nthWeekday(year, 5, 1, 1), // Early May bank holiday
    nthWeekday(year, 5, 1, -1), // Spring bank holiday
    nthWeekday(year, 8, 1, -1), // Summer bank holiday
    christmas,
    boxing,
  ].map(iso);
  const proclaimed = UK_PROCLAIMED[year] ?? {};
  const moved = days.map((d) => proclaimed.moved?.[d] ?? d);
  return [...moved, ...(proclaimed.add ?? [])].sort();
}

/**
 * Public holidays observed in every German state (Neujahr, Karfreitag, Ostermontag, Tag der
 * Arbeit, Christi Himmelfahrt, Pfingstmontag, Tag der Deutschen Einheit — Einigungsvertrag Art 2(2) —
 * and both Christmas days; the others by the states' Feiertagsgesetze). State-only holidays
 * (Epiphany, Corpus Christi, Reformation Day, All Saints…) are not included; there are no
 * substitute days. 2017 had Reformation Day nationwide, once.
 */
export function germanNationalHolidays(year: number): string[] {
  const easter = easterSunday(year);
  return [
    utc(year, 1, 1),
    addDays(easter, -2), // Karfreitag
    addDays(easter, 1), // Ostermontag
    utc(year, 5, 1),
    addDays(easter, 39), // Christi Himmelfahrt
    addDays(easter, 50), // Pfingstmontag
    utc(year, 10, 3),
    ...(year === 2017 ? [utc(2017, 10, 31)] : []),
    utc(year, 12, 25),
    utc(year, 12, 26),
  ]
    .map(iso)
    .sort();
}

/**
 * French public holidays (jours fériés, Code du travail Art L3133-1): 1 January, Easter Monday,
 * 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December.
 * No substitute days. Alsace-Moselle's Good Friday and 26 December are not included.
 */
export function frenchPublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  return [
    utc(year, 1, 1),
    addDays(easter, 1), // Lundi de Pâques
    utc(year, 5, 1),
    utc(year, 5, 8),
    addDays(easter, 39), // Ascension
    addDays(easter, 50), // Lundi de Pentecôte
    utc(year, 7, 14),
    utc(year, 8, 15),
    utc(year, 11, 1),
    utc(year, 11, 11),
    utc(year, 12, 25),
  ]
    .map(iso)
    .sort();
}

const HOLIDAYS: Record<HolidayCalendarName, (year: number) => string[]> = {
  'us-federal': usFederalHolidays,
  'uk-england-wales': ukEnglandWalesBankHolidays,
  de: germanNationalHolidays,
  fr: frenchPublicHolidays,
  none: () => [],
};

/**
 * The holiday calendar of a jurisdiction (ISO country, or country-subdivision): used for the
 * business days of a request from there and for GDPR deadlines that end on a holiday. A US
 * jurisdiction (and any request under the CCPA) uses the site's own calendar, the
 * BUSINESS_CALENDAR setting; a jurisdiction without a calendar here counts weekends only, which
 * never makes a deadline later than the law's.
 */
export const JURISDICTION_CALENDARS: Readonly<Record<string, HolidayCalendarName>> = {
  GB: 'uk-england-wales',
  DE: 'de',
  FR: 'fr',
};

/** The calendar a request from `jurisdiction` uses; `site` is the BUSINESS_CALENDAR setting. */
export function calendarNameFor(jurisdiction: string | null | undefined, site: HolidayCalendarName): HolidayCalendarName {
  const country = (jurisdiction ?? '').toUpperCase().split('-')[0];
  if (country === 'US') return site;
  return JURISDICTION_CALENDARS[country] ?? 'none';
}

export class BusinessCalendar {
  private readonly cache = new Map<number, Set<string>>();

  constructor(
    readonly name: HolidayCalendarName = 'us-federal',
    /** Extra non-business days (YYYY-MM-DD), e.g. company closures. */
    private readonly extra: readonly string[] = [],
  ) {}

  isBusinessDay(date: Date): boolean {
    const day = date.getUTCDay();
    if (day === 0 || day === 6) return false;
    return !this.holidays(date.getUTCFullYear()).has(iso(date));
  }

  /**
   * The end of the n-th business day after `from` (the day of receipt does not count): the time
   * by which something due "within n business days" must be done.
   */
  addBusinessDays(from: Date, n: number): Date {
    let cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
    let counted = 0;
    while (counted < n) {
      cursor = new Date(cursor.getTime() + DAY);
      if (this.isBusinessDay(cursor)) counted++;
    }
    return new Date(cursor.getTime() + DAY - 1);
  }

  /**
   * `date` if it falls on a business day, otherwise the same time on the next business day: a
   * deadline that ends on a weekend or holiday runs to the next working day (Reg 1182/71 Art 3(4)).
   */
  nextBusinessDay(date: Date): Date {
    let d = date;
    while (!this.isBusinessDay(d)) d = addDays(d, 1);
    return d;
  }

  /** `from` plus a policy period; business days use this calendar. */
  addPeriod(from: Date, period: Period): Date {
    const d = new Date(from.getTime());
    switch (period.unit) {
      case 'hour':
        return new Date(d.getTime() + period.amount * 3_600_000);
      case 'day':
        return new Date(d.getTime() + period.amount * DAY);
      case 'business_day':
        return this.addBusinessDays(d, period.amount);
      case 'month':
      case 'year': {
        const months = period.unit === 'year' ? period.amount * 12 : period.amount;
        const target = new Date(d.getTime());
        target.setUTCDate(1);
        target.setUTCMonth(target.getUTCMonth() + months);
        // 31 January + 1 month is the last day of February, not 3 March.
        const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
        target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
        return target;
      }
    }
  }

  private holidays(year: number): Set<string> {
    let set = this.cache.get(year);
    if (!set) {
      set = new Set([...HOLIDAYS[this.name](year), ...this.extra.filter((h) => h.startsWith(String(year)))]);
      this.cache.set(year, set);
    }
    return set;
  }
}

/**
 * The calendars of one running service: the site's own (BUSINESS_CALENDAR with its closed days)
 * for requests from the US, and the jurisdiction's public holidays elsewhere.
 */
export class BusinessCalendars {
  private readonly named = new Map<HolidayCalendarName, BusinessCalendar>();

  constructor(readonly site: BusinessCalendar) {}

  /**
   * The calendar of a request from `jurisdiction` (ISO code such as GB, DE, US-CA). Without one,
   * the regime decides: UK GDPR → England and Wales, EU GDPR → weekends only, otherwise the site's.
   */
  for(jurisdiction?: string | null, regime?: Regime | 'ccpa'): BusinessCalendar {
    const country = (jurisdiction ?? '').toUpperCase().split('-')[0];
    if (country === 'US' || (!country && regime !== 'gdpr' && regime !== 'uk_gdpr')) return this.site;
    const name = country ? calendarNameFor(country, this.site.name) : regime === 'uk_gdpr' ? 'uk-england-wales' : 'none';
    let calendar = this.named.get(name);
    if (!calendar) {
      calendar = new BusinessCalendar(name);
      this.named.set(name, calendar);
    }
    return calendar;
  }
}
