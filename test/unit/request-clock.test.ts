import {
  acknowledgementDueDate,
  BusinessCalendar,
  correspondingDayEnd,
  extendRequestClock,
  LAW_CLOCKS,
  lawClockFor,
  openRequestClock,
  pauseRequestClock,
  requestClockSpec,
  requestDeadlines,
  requestDueDate,
  resumeRequestClock,
  type ClockChange,
  type Period,
  type Regime,
  type RequestClockSpec,
  type RequestClockState,
  type Right,
} from '../../src/policy';

type RightLike = Pick<Right, 'regime' | 'kind' | 'responseDeadline'>;

const INQUIRY: Period = { amount: 48, unit: 'hour' };
const calendars = {
  none: new BusinessCalendar('none'),
  us: new BusinessCalendar('us-federal'),
  uk: new BusinessCalendar('uk-england-wales'),
  de: new BusinessCalendar('de'),
  fr: new BusinessCalendar('fr'),
};
type CalendarKey = keyof typeof calendars;

const right = (regime: Right['regime'], kind: Right['kind'], responseDeadline?: Period): RightLike => ({ regime, kind, responseDeadline });
const spec = (r: RightLike | null, jurisdictionRegime: Regime | null = null, calendar: CalendarKey = 'none'): RequestClockSpec =>
  requestClockSpec({ right: r, jurisdictionRegime, calendar: calendars[calendar], inquiryResponse: INQUIRY });
const due = (s: RequestClockSpec, receivedAt: string) => requestDueDate(s, new Date(receivedAt)).toISOString();
const iso = (d: Date | null) => d?.toISOString() ?? null;
const ok = (change: ClockChange) => {
  if (!change.ok) throw new Error(`refused: ${change.code} ${change.message}`);
  return change;
};
const code = (change: ClockChange) => (change.ok ? 'ok' : change.code);

/** A GDPR right the policy promises nothing for (objection): the law's month alone decides. */
const GDPR_ONLY = right('gdpr', 'objection');
const CCPA_KNOW = right('ccpa', 'know_categories', { amount: 45, unit: 'day' });

describe('months: from the day of receipt to the same date, to the end of that day (Reg 1182/71 Art 3)', () => {
  it.each([
    ['2026-01-15T10:00:00Z', 1, '2026-02-15T23:59:59.999Z'],
    ['2026-01-31T10:00:00Z', 1, '2026-02-28T23:59:59.999Z'], // no 31 February: the last day of February
    ['2024-01-31T10:00:00Z', 1, '2024-02-29T23:59:59.999Z'], // leap year
    ['2024-02-29T10:00:00Z', 1, '2024-03-29T23:59:59.999Z'],
    ['2024-02-29T10:00:00Z', 12, '2025-02-28T23:59:59.999Z'], // leap day, no 29 February next year
    ['2028-01-29T10:00:00Z', 1, '2028-02-29T23:59:59.999Z'],
    ['2027-01-29T10:00:00Z', 1, '2027-02-28T23:59:59.999Z'],
    ['2026-03-31T10:00:00Z', 1, '2026-04-30T23:59:59.999Z'], // no 31 April
    ['2026-04-30T10:00:00Z', 1, '2026-05-30T23:59:59.999Z'], // 30 April → 30 May, not the end of May
    ['2026-01-31T10:00:00Z', 3, '2026-04-30T23:59:59.999Z'], // three months counted from receipt, not from 28 February
    ['2026-11-30T10:00:00Z', 3, '2027-02-28T23:59:59.999Z'], // across the year
    ['2026-12-31T23:30:00Z', 2, '2027-02-28T23:59:59.999Z'],
  ])('%s + %i month(s) → %s', (from, months, end) => {
    expect(correspondingDayEnd(new Date(from), months).toISOString()).toBe(end);
  });
});

describe('the GDPR due date', () => {
  it.each([
    // [received, calendar, due, why]
    ['2026-01-15T10:00:00Z', 'none', '2026-02-16T23:59:59.999Z', 'Sunday 15 February: to Monday'],
    ['2024-01-31T10:00:00Z', 'none', '2024-02-29T23:59:59.999Z', 'leap day, a Thursday'],
    ['2025-01-31T10:00:00Z', 'none', '2025-02-28T23:59:59.999Z', 'last day of February, a Friday'],
    ['2026-01-31T10:00:00Z', 'none', '2026-03-02T23:59:59.999Z', 'Saturday 28 February: to Monday 2 March'],
    ['2026-03-31T10:00:00Z', 'none', '2026-04-30T23:59:59.999Z', 'no 31 April'],
    ['2026-04-30T10:00:00Z', 'none', '2026-06-01T23:59:59.999Z', 'Saturday 30 May: to Monday 1 June'],
    // Friday 1 May 2026: a public holiday in Germany and France, an ordinary day in England.
    ['2026-04-01T10:00:00Z', 'de', '2026-05-04T23:59:59.999Z', 'Tag der Arbeit, then the weekend'],
    ['2026-04-01T10:00:00Z', 'fr', '2026-05-04T23:59:59.999Z', 'Fête du Travail, then the weekend'],
    ['2026-04-01T10:00:00Z', 'uk', '2026-05-01T23:59:59.999Z', 'a working day in England'],
    ['2026-04-04T10:00:00Z', 'uk', '2026-05-05T23:59:59.999Z', 'Monday 4 May: early May bank holiday'],
    ['2026-04-14T10:00:00Z', 'de', '2026-05-15T23:59:59.999Z', 'Thursday 14 May: Ascension'],
    ['2026-03-03T10:00:00Z', 'uk', '2026-04-07T23:59:59.999Z', 'Good Friday, the weekend and Easter Monday'],
    ['2026-03-03T10:00:00Z', 'fr', '2026-04-03T23:59:59.999Z', 'Good Friday is a working day in France'],
    ['2026-11-25T10:00:00Z', 'uk', '2026-12-29T23:59:59.999Z', 'Christmas (Friday) and Boxing Day carried to Monday 28 (ICO’s own example)'],
  ] as const)('received %s (%s calendar) → %s: %s', (received, calendar, expected, _why) => {
    const regime = calendar === 'uk' ? 'uk_gdpr' : 'gdpr';
    expect(due(spec(GDPR_ONLY, regime, calendar), received)).toBe(expected);
  });

  it('is the UK GDPR clock for a person in the UK and the EU one otherwise (also for a US person using a GDPR right the policy grants)', () => {
    expect(lawClockFor(GDPR_ONLY as Right, 'uk_gdpr')?.key).toBe('uk_gdpr');
    expect(lawClockFor(GDPR_ONLY as Right, 'gdpr')?.key).toBe('gdpr');
    expect(lawClockFor(GDPR_ONLY as Right, 'coppa')?.key).toBe('gdpr');
    expect(lawClockFor(GDPR_ONLY as Right, null)?.key).toBe('gdpr');
  });
});

describe('the policy’s promise, capped by the law', () => {
  it.each([
    // [right, received, due, why]
    [right('gdpr', 'access', { amount: 30, unit: 'day' }), '2026-03-02T10:00:00Z', '2026-04-01T10:00:00.000Z', 'policy 30 days, earlier than the month'],
    [right('gdpr', 'access', { amount: 30, unit: 'day' }), '2026-02-01T10:00:00Z', '2026-03-02T23:59:59.999Z', 'February is shorter than 30 days: 1 March is a Sunday, the law’s month wins'],
    [right('gdpr', 'access', { amount: 30, unit: 'day' }), '2023-02-01T10:00:00Z', '2023-03-01T23:59:59.999Z', 'the law’s Wednesday 1 March is earlier than 30 days (3 March)'],
    [right('gdpr', 'access', { amount: 30, unit: 'day' }), '2025-02-01T10:00:00Z', '2025-03-03T10:00:00.000Z', 'the law’s 1 March is a Saturday, so runs to Monday: 30 days (3 March, 10:00) is earlier'],
    [right('gdpr', 'access', { amount: 60, unit: 'day' }), '2026-03-02T10:00:00Z', '2026-04-02T23:59:59.999Z', 'a longer promise is capped by the month'],
    [right('gdpr', 'restriction', { amount: 7, unit: 'day' }), '2026-03-02T10:00:00Z', '2026-03-09T10:00:00.000Z', 'policy 7 days'],
    [right('gdpr', 'access', { amount: 2, unit: 'month' }), '2026-03-02T10:00:00Z', '2026-04-02T23:59:59.999Z', 'two months promised, one month in law'],
    [CCPA_KNOW, '2026-03-02T10:00:00Z', '2026-04-16T10:00:00.000Z', '45 calendar days, exact'],
    [CCPA_KNOW, '2024-02-01T00:00:00Z', '2024-03-17T00:00:00.000Z', '45 days across a leap February'],
    [CCPA_KNOW, '2025-02-01T00:00:00Z', '2025-03-18T00:00:00.000Z', '45 days across a common February'],
    [right('ccpa', 'delete', { amount: 60, unit: 'day' }), '2026-03-02T10:00:00Z', '2026-04-16T10:00:00.000Z', 'a longer promise is capped by 45 days'],
    [right('ccpa', 'correct'), '2026-03-02T10:00:00Z', '2026-04-16T10:00:00.000Z', 'no promise: the law alone'],
    [right('ccpa', 'opt_out', { amount: 15, unit: 'business_day' }), '2026-11-13T09:00:00Z', '2026-12-07T23:59:59.999Z', '15 business days across Thanksgiving'],
    [right('ccpa', 'opt_out', { amount: 30, unit: 'business_day' }), '2026-11-13T09:00:00Z', '2026-12-07T23:59:59.999Z', 'the law’s 15 business days cap a longer promise'],
  ] as const)('%#: %j received %s → %s (%s)', (r, received, expected, _why) => {
    const calendar = r.regime === 'ccpa' ? 'us' : 'none';
    expect(due(spec(r, r.regime === 'ccpa' ? null : 'gdpr', calendar), received)).toBe(expected);
  });

  it('inquiries and rights without a deadline of their own get the 48-hour promise, weekends included', () => {
    expect(due(spec(null), '2026-03-06T15:00:00Z')).toBe('2026-03-08T15:00:00.000Z'); // Friday → Sunday
    expect(due(spec(right('coppa', 'parental_review')), '2026-03-06T15:00:00Z')).toBe('2026-03-08T15:00:00.000Z');
  });

  it('shows both dates', () => {
    const d = requestDeadlines(spec(right('gdpr', 'access', { amount: 30, unit: 'day' }), 'gdpr'), openRequestClock(new Date('2026-03-02T10:00:00Z')));
    expect({ policy: iso(d.policyDueAt), law: iso(d.lawDueAt), due: iso(d.dueAt) }).toEqual({
      policy: '2026-04-01T10:00:00.000Z',
      law: '2026-04-02T23:59:59.999Z',
      due: '2026-04-01T10:00:00.000Z',
    });
  });
});

describe('receipt confirmation (11 CCR 7021(a): 10 business days)', () => {
  it.each([
    [CCPA_KNOW, '2026-11-20T15:00:00Z', '2026-12-07T23:59:59.999Z'], // Thanksgiving week: 23, 24, 25, 27, 30, 1, 2, 3, 4, 7
    [CCPA_KNOW, '2026-03-02T10:00:00Z', '2026-03-16T23:59:59.999Z'],
    [right('ccpa', 'delete', { amount: 45, unit: 'day' }), '2026-06-12T10:00:00Z', '2026-06-29T23:59:59.999Z'], // Juneteenth (Friday 19 June)
    [right('ccpa', 'opt_out', { amount: 15, unit: 'business_day' }), '2026-03-02T10:00:00Z', null], // none asked for an opt-out
    [right('gdpr', 'access', { amount: 30, unit: 'day' }), '2026-03-02T10:00:00Z', null],
    [null, '2026-03-02T10:00:00Z', null],
  ] as const)('%#: %j received %s → confirm by %s', (r, received, expected) => {
    expect(iso(acknowledgementDueDate(spec(r, null, 'us'), new Date(received)))).toBe(expected);
  });
});

describe('extension with notice', () => {
  const receivedGdpr = openRequestClock(new Date('2026-01-31T10:00:00Z')); // first month ends Saturday 28 Feb → Monday 2 March
  const gdpr = spec(GDPR_ONLY, 'gdpr');
  const ccpa = spec(CCPA_KNOW, null, 'us');
  const receivedCcpa = openRequestClock(new Date('2026-03-02T10:00:00Z'));

  it.each([
    // [case, notice at, result, due after, spec, state]
    ['GDPR, in the first month', '2026-02-20T09:00:00Z', 'ok', '2026-04-30T23:59:59.999Z', gdpr, receivedGdpr],
    ['GDPR, on the last day (rolled to Monday)', '2026-03-02T20:00:00Z', 'ok', '2026-04-30T23:59:59.999Z', gdpr, receivedGdpr],
    ['GDPR, after the first month', '2026-03-03T00:00:00Z', 'extension_notice_late', null, gdpr, receivedGdpr],
    ['CCPA, within the first 45 days', '2026-04-10T12:00:00Z', 'ok', '2026-05-31T10:00:00.000Z', ccpa, receivedCcpa],
    ['CCPA, at the 45-day mark', '2026-04-16T10:00:00Z', 'ok', '2026-05-31T10:00:00.000Z', ccpa, receivedCcpa],
    ['CCPA, a moment late', '2026-04-16T10:00:00.001Z', 'extension_notice_late', null, ccpa, receivedCcpa],
    ['CCPA opt-out', '2026-03-03T10:00:00Z', 'extension_not_allowed', null, spec(right('ccpa', 'opt_out', { amount: 15, unit: 'business_day' }), null, 'us'), receivedCcpa],
    ['an inquiry', '2026-03-03T10:00:00Z', 'extension_not_allowed', null, spec(null), receivedCcpa],
    ['before the request', '2026-03-01T10:00:00Z', 'invalid_time', null, ccpa, receivedCcpa],
  ] as const)('%s: notice at %s → %s, due %s', (_, at, result, dueAfter, s, state) => {
    const change = extendRequestClock(s, state, new Date(at), 'The request covers twelve years of support history.');
    expect(code(change)).toBe(result);
    if (change.ok) {
      expect(change.state.extendedAt?.toISOString()).toBe(new Date(at).toISOString());
      expect(change.deadlines).toMatchObject({ extended: true, extensionNoticeBy: null });
      expect(iso(change.deadlines.dueAt)).toBe(dueAfter);
    } else {
      expect(change.message.length).toBeGreaterThan(10);
    }
  });

  it('extends once only', () => {
    const once = ok(extendRequestClock(ccpa, receivedCcpa, new Date('2026-03-10T10:00:00Z'), 'Volume'));
    expect(code(extendRequestClock(ccpa, once.state, new Date('2026-03-11T10:00:00Z'), 'Again'))).toBe('already_extended');
  });

  it('needs the reasons', () => {
    expect(code(extendRequestClock(ccpa, receivedCcpa, new Date('2026-03-10T10:00:00Z'), '  '))).toBe('extension_reason_required');
  });

  it('counts the law’s deadline for the notice, not the policy’s shorter promise', () => {
    const access = spec(right('gdpr', 'access', { amount: 30, unit: 'day' }), 'gdpr');
    const state = openRequestClock(new Date('2026-03-02T10:00:00Z'));
    expect(iso(requestDeadlines(access, state).extensionNoticeBy)).toBe('2026-04-02T23:59:59.999Z');
    // Past the policy's 30 days (1 April) but inside the month: the law still allows the notice.
    expect(iso(ok(extendRequestClock(access, state, new Date('2026-04-02T08:00:00Z'), 'Complex')).deadlines.dueAt)).toBe('2026-06-02T23:59:59.999Z');
  });
});

describe('stopping the clock', () => {
  const ukObjection = spec(GDPR_ONLY, 'uk_gdpr', 'uk');
  const received = openRequestClock(new Date('2026-03-02T10:00:00Z')); // UK month: Thursday 2 April
  const pausedThenResumed = (s: RequestClockSpec, from: string, to: string, state: RequestClockState = received) => {
    const paused = ok(pauseRequestClock(s, state, new Date(from), 'identity'));
    return ok(resumeRequestClock(s, paused.state, new Date(to)));
  };

  it.each([
    // [paused, resumed, due after, why]
    ['2026-03-05T09:00:00Z', '2026-03-12T15:00:00Z', '2026-04-09T23:59:59.999Z', 'seven days later'],
    ['2026-03-05T09:00:00Z', '2026-03-05T17:00:00Z', '2026-04-02T23:59:59.999Z', 'the same day: nothing moves'],
    ['2026-03-05T23:00:00Z', '2026-03-06T01:00:00Z', '2026-04-07T23:59:59.999Z', 'across midnight: one day, onto Good Friday, on past Easter Monday'],
    ['2026-03-05T09:00:00Z', '2026-03-08T09:00:00Z', '2026-04-07T23:59:59.999Z', 'three days land on Easter Sunday: to Tuesday after Easter Monday'],
  ])('UK GDPR: paused %s, resumed %s → due %s (%s)', (from, to, expected) => {
    const change = pausedThenResumed(ukObjection, from, to);
    expect(iso(change.deadlines.dueAt)).toBe(expected);
    expect(change.deadlines.paused).toBe(false);
  });

  it('moves the policy’s promise too, and the extension notice with it', () => {
    const ukAccess = spec(right('gdpr', 'access', { amount: 30, unit: 'day' }), 'uk_gdpr', 'uk');
    const change = pausedThenResumed(ukAccess, '2026-03-05T09:00:00Z', '2026-03-12T15:00:00Z');
    expect(iso(change.deadlines.policyDueAt)).toBe('2026-04-08T10:00:00.000Z');
    expect(iso(change.deadlines.dueAt)).toBe('2026-04-08T10:00:00.000Z');
    expect(iso(change.deadlines.extensionNoticeBy)).toBe('2026-04-09T23:59:59.999Z');
    // An extension after a pause: three months from receipt, plus the seven days.
    expect(iso(ok(extendRequestClock(ukAccess, change.state, new Date('2026-04-09T12:00:00Z'), 'Complex')).deadlines.dueAt)).toBe('2026-06-09T23:59:59.999Z');
  });

  it('adds up several pauses', () => {
    const first = pausedThenResumed(ukObjection, '2026-03-05T09:00:00Z', '2026-03-07T09:00:00Z');
    const second = pausedThenResumed(ukObjection, '2026-03-10T09:00:00Z', '2026-03-13T09:00:00Z', first.state);
    expect(second.state.pausedDays).toBe(5);
    expect(iso(second.deadlines.dueAt)).toBe('2026-04-07T23:59:59.999Z'); // 7 April
  });

  it('while stopped, the date as of now counts the days so far', () => {
    const paused = ok(pauseRequestClock(ukObjection, received, new Date('2026-03-05T09:00:00Z'), 'clarification'));
    expect(paused.state).toMatchObject({ pauseReason: 'clarification' });
    const now = requestDeadlines(ukObjection, paused.state, new Date('2026-03-09T12:00:00Z'));
    expect(now).toMatchObject({ paused: true, pausedDays: 4 });
    expect(iso(now.dueAt)).toBe('2026-04-07T23:59:59.999Z'); // 6 April (Easter Monday) → 7 April
  });

  it.each([
    ['EU GDPR', 'identity', 'pause_not_allowed', spec(GDPR_ONLY, 'gdpr')],
    ['CCPA: verification time counts', 'identity', 'pause_not_allowed', spec(CCPA_KNOW, null, 'us')],
    ['CCPA opt-out', 'clarification', 'pause_not_allowed', spec(right('ccpa', 'opt_out', { amount: 15, unit: 'business_day' }), null, 'us')],
    ['an inquiry', 'clarification', 'pause_not_allowed', spec(null)],
    ['UK GDPR, waiting for ID', 'identity', 'ok', ukObjection],
    ['UK GDPR, waiting for a fee', 'fee', 'ok', ukObjection],
  ] as const)('%s: pause for %s → %s', (_, reason, result, s) => {
    expect(code(pauseRequestClock(s, received, new Date('2026-03-05T09:00:00Z'), reason))).toBe(result);
  });

  it('refuses what makes no sense', () => {
    const paused = ok(pauseRequestClock(ukObjection, received, new Date('2026-03-05T09:00:00Z'), 'identity')).state;
    expect(code(pauseRequestClock(ukObjection, paused, new Date('2026-03-06T09:00:00Z'), 'identity'))).toBe('already_paused');
    expect(code(resumeRequestClock(ukObjection, received, new Date('2026-03-06T09:00:00Z')))).toBe('not_paused');
    expect(code(resumeRequestClock(ukObjection, paused, new Date('2026-03-04T09:00:00Z')))).toBe('invalid_time');
    expect(code(pauseRequestClock(ukObjection, received, new Date('2026-03-01T09:00:00Z'), 'identity'))).toBe('invalid_time');
    // Past the due date the clock has run out: nothing to stop.
    expect(code(pauseRequestClock(ukObjection, received, new Date('2026-04-03T00:00:00Z'), 'identity'))).toBe('clock_expired');
  });

  it('a site can narrow the reasons with its own table', () => {
    const laws = { ...LAW_CLOCKS, uk_gdpr: { ...LAW_CLOCKS.uk_gdpr, pause: { reasons: ['identity'] as const, citation: 'counsel' } } };
    const narrow = requestClockSpec({ right: GDPR_ONLY, jurisdictionRegime: 'uk_gdpr', calendar: calendars.uk, inquiryResponse: INQUIRY, laws });
    expect(code(pauseRequestClock(narrow, received, new Date('2026-03-05T09:00:00Z'), 'fee'))).toBe('pause_reason_not_allowed');
    expect(code(pauseRequestClock(narrow, received, new Date('2026-03-05T09:00:00Z'), 'identity'))).toBe('ok');
  });
});

describe('law clocks', () => {
  it.each([
    [right('gdpr', 'access'), 'uk_gdpr', 'uk_gdpr'],
    [right('gdpr', 'erasure'), 'gdpr', 'gdpr'],
    [right('ccpa', 'know_specific'), null, 'ccpa'],
    [right('ccpa', 'delete'), null, 'ccpa'],
    [right('ccpa', 'correct'), null, 'ccpa'],
    [right('ccpa', 'opt_out'), null, 'ccpa_opt_out'],
    [right('ccpa', 'non_discrimination'), null, null],
    [right('coppa', 'parental_review'), 'coppa', null],
  ] as const)('%j in %s → %s', (r, regime, key) => {
    expect(lawClockFor(r as Right, regime)?.key ?? null).toBe(key);
  });

  it('carries its citations', () => {
    for (const clock of Object.values(LAW_CLOCKS)) {
      expect(clock.citation).toMatch(/GDPR|CCR/);
      if (clock.extension) expect(clock.extension.citation).toMatch(/12\(3\)|12A|7021/);
      if (clock.pause) expect(clock.pause.citation).toMatch(/12A/);
    }
    expect(LAW_CLOCKS.gdpr.pause).toBeUndefined();
    expect(LAW_CLOCKS.ccpa.pause).toBeUndefined();
    expect(LAW_CLOCKS.ccpa.extension?.period).toEqual({ amount: 45, unit: 'day' });
    expect(LAW_CLOCKS.gdpr.extension?.period).toEqual({ amount: 2, unit: 'month' });
  });
});
