import { ageOn } from '../../src/policy';
import { SubjectAgeService } from '../../src/services/opt-out/subject-age.service';

describe('a known age from an age-screen answer', () => {
  it('takes the youngest birth date the answer allows, so the person is never taken to be older', () => {
    const decidedAt = new Date('2026-03-02T10:00:00.000Z');
    const input = SubjectAgeService.fromAgeGateCheck({ age: 15, decidedAt, jurisdiction: 'US-CA' });
    expect(input).toEqual({ birthDate: { year: 2011, month: 3, day: 2 }, jurisdiction: 'US-CA', source: 'age_gate' });
    expect(ageOn(input.birthDate, decidedAt)).toBe(15);
    // The day before the 16th birthday it allows, still 15: the under-16 rule holds a full year.
    expect(ageOn(input.birthDate, new Date('2027-03-01T23:00:00.000Z'))).toBe(15);
    expect(ageOn(input.birthDate, new Date('2027-03-02T00:00:00.000Z'))).toBe(16);
  });

  it('takes 28 February for a check on 29 February when the birth year has none (still the age answered)', () => {
    const input = SubjectAgeService.fromAgeGateCheck({ age: 13, decidedAt: new Date('2028-02-29T12:00:00.000Z'), jurisdiction: 'US' });
    expect(input.birthDate).toEqual({ year: 2015, month: 2, day: 28 });
    expect(ageOn(input.birthDate, new Date('2028-02-29T12:00:00.000Z'))).toBe(13);
  });
});
