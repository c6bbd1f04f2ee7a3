import { ageOn, birthdayOf, checkBirthDate, decideAge, toCalendarDate } from '../../src/policy';

const today = new Date('2026-03-02T10:00:00Z');

describe('dates of birth', () => {
  it.each([
    [{ year: 2015, month: 2, day: 30 }, 'impossible'],
    [{ year: 2015, month: 13, day: 1 }, 'impossible'],
    [{ year: 2015, month: 4, day: 31 }, 'impossible'],
    [{ year: 2015, month: 0, day: 10 }, 'impossible'],
    [{ year: 2026, month: 3, day: 3 }, 'in_future'],
    [{ year: 1905, month: 3, day: 1 }, 'too_old'],
  ])('%j is %s', (date, problem) => expect(checkBirthDate(date, today)).toBe(problem));

  it.each([
    [{ year: 2024, month: 2, day: 29 }],
    [{ year: 2026, month: 3, day: 2 }],
    [{ year: 1906, month: 3, day: 2 }],
  ])('%j is fine', (date) => expect(checkBirthDate(date, today)).toBeUndefined());

  it('counts completed years, birthdays included', () => {
    expect(ageOn({ year: 2013, month: 3, day: 2 }, today)).toBe(13);
    expect(ageOn({ year: 2013, month: 3, day: 3 }, today)).toBe(12);
    expect(ageOn({ year: 2008, month: 2, day: 29 }, new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(ageOn({ year: 2008, month: 2, day: 29 }, new Date('2026-03-01T00:00:00Z'))).toBe(18);
  });

  it('knows the day a birthday falls on, leap days on 1 March', () => {
    expect(birthdayOf({ year: 2013, month: 7, day: 9 }, 13).toISOString()).toBe('2026-07-09T00:00:00.000Z');
    expect(birthdayOf({ year: 2012, month: 2, day: 29 }, 13).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(toCalendarDate({ year: 2012, month: 2, day: 29 })?.toISOString()).toBe('2012-02-29T00:00:00.000Z');
  });
});

describe('decideAge', () => {
  const coppa = { ageOfDigitalConsent: 13 };
  const california = { ageOfDigitalConsent: 13, saleOptInUnder: 16 };
  const france = { ageOfDigitalConsent: 15, jointConsentUnder: 15 };

  it('needs a parent below the threshold', () => {
    expect(decideAge(12, coppa)).toMatchObject({ outcome: 'parental_consent_required', threshold: 13, jointConsent: false });
  });

  it('makes a 14-year-old Californian a teen whose data is not sold without opt-in', () => {
    expect(decideAge(14, california)).toMatchObject({ outcome: 'teen', limits: ['sale_share_opt_in', 'high_privacy_defaults'] });
    expect(decideAge(16, california)).toMatchObject({ outcome: 'teen', limits: ['high_privacy_defaults'] });
  });

  it('asks for joint consent of child and parent under 15 in France', () => {
    expect(decideAge(14, france)).toMatchObject({ outcome: 'parental_consent_required', jointConsent: true, threshold: 15 });
    expect(decideAge(15, france)).toMatchObject({ outcome: 'teen' });
  });

  it('treats 18 as adult', () => {
    expect(decideAge(18, california)).toMatchObject({ outcome: 'adult', limits: [] });
  });
});
