import type { Period } from './policy.schema';

const WORDS: Record<Period['unit'], [string, string]> = {
  hour: ['hour', 'hours'],
  day: ['day', 'days'],
  business_day: ['business day', 'business days'],
  month: ['month', 'months'],
  year: ['year', 'years'],
};

/** "30 days", "1 month", "15 business days". */
export function describePeriod(period: Period): string {
  const [one, many] = WORDS[period.unit];
  return `${period.amount} ${period.amount === 1 ? one : many}`;
}
