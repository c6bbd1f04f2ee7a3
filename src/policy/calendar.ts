import type { Period } from './policy.schema';

/**
 * Deadlines: calendar periods (hours, days, months, years) and business days (CCPA §7026's 15
 * business days to honour an opt-out). A business day is Monday–Friday and not a holiday of the
 * configured calendar. Dates are handled in UTC.
 */

const DAY = 86_400_000;

export type HolidayCalendarName = 'us-federal' | 'none';

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

export class BusinessCalendar {
  private readonly cache = new Map<number, Set<string>>();

  constructor(
    private readonly name: HolidayCalendarName = 'us-federal',
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
      set = new Set([...(this.name === 'us-federal' ? usFederalHolidays(year) : []), ...this.extra.filter((h) => h.startsWith(String(year)))]);
      this.cache.set(year, set);
    }
    return set;
  }
}
