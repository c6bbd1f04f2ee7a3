import { BusinessCalendar, usFederalHolidays } from '../../src/policy';

describe('US federal holidays', () => {
  it('computes 2026 as observed', () => {
    expect(usFederalHolidays(2026)).toEqual([
      '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19',
      '2026-07-03', // 4 July is a Saturday: observed Friday
      '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
    ]);
  });

  it('moves a Sunday holiday to Monday', () => {
    expect(usFederalHolidays(2022)).toContain('2022-12-26');
  });
});

describe('business days', () => {
  const calendar = new BusinessCalendar('us-federal');

  it('skips weekends', () => {
    // Friday 2026-03-06 + 1 business day = Monday 2026-03-09, end of day.
    expect(calendar.addBusinessDays(new Date('2026-03-06T15:00:00Z'), 1).toISOString()).toBe('2026-03-09T23:59:59.999Z');
  });

  it('skips a weekend and a holiday: 15 business days from Friday 13 Nov 2026 spans Thanksgiving', () => {
    // 16,17,18,19,20 | 23,24,25,(26 Thanksgiving),27 | 30,1,2,3,4 | 7 → the 15th is 7 Dec
    expect(calendar.addBusinessDays(new Date('2026-11-13T09:00:00Z'), 15).toISOString()).toBe('2026-12-07T23:59:59.999Z');
  });

  it('counts extra closure days of the site', () => {
    const closed = new BusinessCalendar('us-federal', ['2026-03-09']);
    expect(closed.addBusinessDays(new Date('2026-03-06T15:00:00Z'), 1).toISOString()).toBe('2026-03-10T23:59:59.999Z');
  });

  it('adds calendar periods, clamping month ends', () => {
    const none = new BusinessCalendar('none');
    expect(none.addPeriod(new Date('2026-01-31T10:00:00Z'), { amount: 1, unit: 'month' }).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(none.addPeriod(new Date('2026-03-02T10:00:00Z'), { amount: 30, unit: 'day' }).toISOString()).toBe('2026-04-01T10:00:00.000Z');
    expect(none.addPeriod(new Date('2026-03-02T10:00:00Z'), { amount: 48, unit: 'hour' }).toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(none.addPeriod(new Date('2024-02-29T10:00:00Z'), { amount: 1, unit: 'year' }).toISOString()).toBe('2025-02-28T10:00:00.000Z');
  });
});
