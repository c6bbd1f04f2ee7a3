import { BusinessCalendar, BusinessCalendars, calendarNameFor, easterSunday, frenchPublicHolidays, germanNationalHolidays, ukEnglandWalesBankHolidays, usFederalHolidays } from '../../src/policy';

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

describe('Easter', () => {
  it.each([
    [1818, '1818-03-22'], // earliest possible date
    [2000, '2000-04-23'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'], // latest possible date
  ])('%i: Easter Sunday is %s', (year, date) => {
    expect(easterSunday(year).toISOString().slice(0, 10)).toBe(date);
  });
});

describe('bank holidays of England and Wales (as gov.uk/bank-holidays lists them)', () => {
  it.each([
    [2026, ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']], // Boxing Day on a Saturday: Monday 28
    [2027, ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']], // Christmas on a Saturday: Monday 27 and Tuesday 28
    [2022, ['2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27']], // New Year on a Saturday; Christmas on a Sunday (substitute Tuesday 27); Jubilee; State Funeral
    [2020, ['2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28']], // early May moved to VE Day
    [2023, ['2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26']], // New Year on a Sunday; Coronation
  ])('%i', (year, days) => {
    expect(ukEnglandWalesBankHolidays(year)).toEqual(days);
  });

  it('counts business days around Easter and Christmas', () => {
    const uk = new BusinessCalendar('uk-england-wales');
    // Thursday 2 April 2026 + 1: Good Friday, the weekend and Easter Monday do not count.
    expect(uk.addBusinessDays(new Date('2026-04-02T12:00:00Z'), 1).toISOString()).toBe('2026-04-07T23:59:59.999Z');
    // Christmas Day on a Friday, Boxing Day on a Saturday carried to Monday 28.
    expect(uk.nextBusinessDay(new Date('2026-12-25T23:59:59.999Z')).toISOString()).toBe('2026-12-29T23:59:59.999Z');
    // The same days are business days in the US calendar except Christmas Day.
    expect(new BusinessCalendar('us-federal').nextBusinessDay(new Date('2026-12-25T08:00:00Z')).toISOString()).toBe('2026-12-28T08:00:00.000Z');
  });
});

describe('German and French public holidays', () => {
  it('Germany 2026: the nine days every state keeps, moving with Easter', () => {
    expect(germanNationalHolidays(2026)).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26']);
    expect(germanNationalHolidays(2027)).toEqual(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-17', '2027-10-03', '2027-12-25', '2027-12-26']);
    expect(germanNationalHolidays(2017)).toContain('2017-10-31'); // Reformation Day, nationwide once
    expect(germanNationalHolidays(2018)).not.toContain('2018-10-31');
  });

  it('France 2026: the eleven jours fériés (no Good Friday outside Alsace-Moselle)', () => {
    expect(frenchPublicHolidays(2026)).toEqual(['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']);
  });

  it.each([
    // Wednesday 13 May 2026 + 1 business day: Ascension Thursday 14 May is a holiday in both.
    ['de', '2026-05-13T09:00:00Z', 1, '2026-05-15T23:59:59.999Z'],
    ['fr', '2026-05-13T09:00:00Z', 1, '2026-05-15T23:59:59.999Z'],
    ['us-federal', '2026-05-13T09:00:00Z', 1, '2026-05-14T23:59:59.999Z'],
    // Thursday 7 May 2026 + 1: Friday 8 May (Victoire 1945) only in France.
    ['fr', '2026-05-07T09:00:00Z', 1, '2026-05-11T23:59:59.999Z'],
    ['de', '2026-05-07T09:00:00Z', 1, '2026-05-08T23:59:59.999Z'],
    // Thursday 2 April 2026 + 2: Good Friday and Easter Monday off in Germany, only Easter Monday in France.
    ['de', '2026-04-02T09:00:00Z', 2, '2026-04-08T23:59:59.999Z'],
    ['fr', '2026-04-02T09:00:00Z', 2, '2026-04-07T23:59:59.999Z'],
  ] as const)('%s: %s + %i business days → %s', (name, from, n, end) => {
    expect(new BusinessCalendar(name).addBusinessDays(new Date(from), n).toISOString()).toBe(end);
  });
});

describe('calendar per jurisdiction', () => {
  it.each([
    ['GB', 'uk-england-wales'],
    ['DE', 'de'],
    ['fr', 'fr'],
    ['US', 'us-federal'],
    ['US-CA', 'us-federal'],
    ['IT', 'none'],
    [null, 'none'],
  ])('%s → %s (site calendar us-federal)', (jurisdiction, name) => {
    expect(calendarNameFor(jurisdiction, 'us-federal')).toBe(name);
  });

  it('US requests use the site’s own calendar and closures; elsewhere the country’s; without a jurisdiction the regime decides', () => {
    const site = new BusinessCalendar('us-federal', ['2026-03-09']);
    const calendars = new BusinessCalendars(site);
    expect(calendars.for('US-CA')).toBe(site);
    expect(calendars.for(null, 'ccpa')).toBe(site);
    expect(calendars.for('GB').name).toBe('uk-england-wales');
    expect(calendars.for('GB')).toBe(calendars.for('gb')); // one instance per calendar
    expect(calendars.for('DE').name).toBe('de');
    expect(calendars.for('IT').name).toBe('none');
    expect(calendars.for(null, 'gdpr').name).toBe('none');
    expect(calendars.for(null, 'uk_gdpr').name).toBe('uk-england-wales');
    // The site's closures are its own business days, not a country's public holidays.
    expect(calendars.for('DE').isBusinessDay(new Date('2026-03-09T12:00:00Z'))).toBe(true);
    expect(calendars.for('US').isBusinessDay(new Date('2026-03-09T12:00:00Z'))).toBe(false);
  });
});
