import type { BusinessCalendar } from './calendar';
import { REGULATORY_DEADLINES, type Regime } from './jurisdictions';
import type { Period, Right } from './policy.schema';

/**
 * The clock of a privacy request, as data per regime and pure functions over it (no clock of its
 * own: every "now" is an argument).
 *
 * - The due date is the policy's promise for the right, capped by the law's deadline where that
 *   is stricter (the earlier of the two). A right with neither (COPPA review) and an inquiry get
 *   the policy's inquiry promise (48 hours).
 * - One extension, where the law allows it, with notice and reasons before the law's first
 *   period ends: GDPR +2 months (Art 12(3)), CCPA +45 days (11 CCR 7021(b)). The extended due
 *   date is the law's: receipt + 3 months, receipt + 90 days.
 * - A pause while waiting for the person, where the regime allows it (UK GDPR Art 12A); never
 *   under EU GDPR by default (the text has no such rule; EDPB Guidelines 01/2022: the period runs
 *   from receipt) nor under the CCPA (verification time counts, 11 CCR 7021(b)).
 *
 * Counting, and its sources:
 * - Months (GDPR): Regulation (EEC, Euratom) No 1182/71 Art 3, as EDPB Guidelines 01/2022 (§5.3)
 *   and the ICO apply it: the period runs from the day of receipt to the same date in the month the
 *   period ends, and ends with the last hour of that day; where that date does not exist, with the
 *   last day of that month (31 January → 28 February, 29 February in a leap year; 31 March →
 *   30 April). A deadline that ends on a Saturday, Sunday or public holiday of the request's
 *   jurisdiction runs to the end of the next working day (Art 3(4); ICO "Time limits for
 *   responding to data protection rights requests"), which is why GDPR clocks take the
 *   jurisdiction's calendar.
 * - Calendar days (CCPA 45 days, the policy's "30 days") and hours (48 hours): exact durations
 *   from the moment of receipt, so they end at the time of day the request came in.
 * - Business days (CCPA opt-out, receipt confirmation): the day of receipt does not count; the
 *   period ends with the n-th business day of the calendar (BusinessCalendar.addBusinessDays).
 * - A pause moves the due date by the whole UTC days between the day it started and the day it
 *   ended (a pause that starts and ends on the same day moves nothing).
 * - All days are UTC days. For requests from Europe (UTC+0 to +3) the UTC day of receipt is never
 *   later than the local one, so a date computed here is never later than the local reading.
 */

const DAY = 86_400_000;

/** A law's clock for a request: GDPR and UK GDPR for all their rights, the CCPA for know/delete/correct, and its own for opt-out. */
export type LawClockKey = 'gdpr' | 'uk_gdpr' | 'ccpa' | 'ccpa_opt_out';

export const PAUSE_REASONS = ['identity', 'clarification', 'fee'] as const;
/** identity: waiting for what confirms who the person is; clarification: for what the request is about; fee: for a fee the law allows. */
export type PauseReason = (typeof PAUSE_REASONS)[number];

export interface LawClock {
  key: LawClockKey;
  name: string;
  /** The law's deadline from receipt. */
  response: Period;
  citation: string;
  /** Set where a deadline ending on a weekend or holiday runs to the next working day (with the source). */
  nextWorkingDay?: string;
  /** One extension, noticed with reasons before `response` has run out. */
  extension?: { period: Period; citation: string };
  /** Where the clock may stop while waiting for the person, and for what. */
  pause?: { reasons: readonly PauseReason[]; citation: string };
  /** Confirm receipt within this period. */
  acknowledgement?: { period: Period; citation: string };
}

const law = (key: string) => {
  const found = REGULATORY_DEADLINES.find((d) => d.key === key);
  if (!found) throw new Error(`no regulatory deadline "${key}"`);
  return found;
};

const GDPR = law('gdpr_response');
const CCPA = law('ccpa_response');
const MONTH_RULE = 'Reg (EEC, Euratom) 1182/71 Art 3(4); EDPB Guidelines 01/2022 §5.3';

/** The clocks of the law (REGULATIONS.md §2, §3). A site that reads the law differently with its counsel passes its own table. */
export const LAW_CLOCKS: Readonly<Record<LawClockKey, LawClock>> = {
  gdpr: {
    key: 'gdpr',
    name: 'GDPR',
    response: GDPR.period,
    citation: GDPR.citation,
    nextWorkingDay: MONTH_RULE,
    extension: { period: GDPR.extension!, citation: 'GDPR Art 12(3): two further months, the person told with reasons within the first month' },
  },
  uk_gdpr: {
    key: 'uk_gdpr',
    name: 'UK GDPR',
    response: GDPR.period,
    citation: 'UK GDPR Art 12(3), 12A',
    nextWorkingDay: 'ICO, Time limits for responding to data protection rights requests',
    extension: { period: GDPR.extension!, citation: 'UK GDPR Art 12A: two further months, the person told with reasons within the first month' },
    // Art 12A lets the period start only once the ID or the fee arrives; pausing instead never gives a later date.
    pause: { reasons: PAUSE_REASONS, citation: 'UK GDPR Art 12A (Data (Use and Access) Act 2025): the clock stops while waiting for identification, clarification or a fee' },
  },
  ccpa: {
    key: 'ccpa',
    name: 'CCPA',
    response: CCPA.period,
    citation: CCPA.citation,
    extension: { period: CCPA.extension!, citation: '11 CCR 7021(b): once, by 45 calendar days, with notice and reasons within the first 45' },
    acknowledgement: { period: law('ccpa_confirm_receipt').period, citation: law('ccpa_confirm_receipt').citation },
  },
  ccpa_opt_out: {
    key: 'ccpa_opt_out',
    name: 'CCPA opt-out',
    response: law('ccpa_opt_out').period,
    citation: law('ccpa_opt_out').citation,
  },
};

/** Which law's clock a right follows: GDPR rights by the person's jurisdiction (UK GDPR for GB, else EU GDPR), CCPA rights by kind; none for COPPA. */
export function lawClockFor(right: Pick<Right, 'regime' | 'kind'>, jurisdictionRegime?: Regime | null, laws: Readonly<Record<LawClockKey, LawClock>> = LAW_CLOCKS): LawClock | null {
  switch (right.regime) {
    case 'gdpr':
      return jurisdictionRegime === 'uk_gdpr' ? laws.uk_gdpr : laws.gdpr;
    case 'ccpa':
      if (right.kind === 'opt_out') return laws.ccpa_opt_out;
      return right.kind === 'non_discrimination' ? null : laws.ccpa;
    default:
      return null;
  }
}

/** Everything the clock of one request needs besides its state. */
export interface RequestClockSpec {
  /** The law's clock; null: no deadline in law (the policy's promise alone). */
  law: LawClock | null;
  /** The policy's promise; null: the law alone. */
  promise: Period | null;
  /** The business calendar of the request's jurisdiction. */
  calendar: BusinessCalendar;
}

/**
 * The clock of a request for `right` (null: an inquiry), from a person whose jurisdiction has
 * `jurisdictionRegime`, counted on `calendar` (BusinessCalendars.for(jurisdiction)).
 */
export function requestClockSpec(input: {
  right: Pick<Right, 'regime' | 'kind' | 'responseDeadline'> | null;
  jurisdictionRegime?: Regime | null;
  calendar: BusinessCalendar;
  /** The policy's promise for inquiries (contact.inquiryResponse): also for rights with no deadline of their own. */
  inquiryResponse: Period;
  laws?: Readonly<Record<LawClockKey, LawClock>>;
}): RequestClockSpec {
  const { right, calendar, inquiryResponse } = input;
  const lawClock = right ? lawClockFor(right, input.jurisdictionRegime, input.laws) : null;
  const promise = right?.responseDeadline ?? (lawClock ? null : inquiryResponse);
  return { law: lawClock, promise, calendar };
}

/** What the clock of one request remembers (stored with the request). */
export interface RequestClockState {
  receivedAt: Date;
  /** When the extension notice went out; null: not extended. */
  extendedAt: Date | null;
  /** Since when the clock is stopped; null: running. */
  pausedSince: Date | null;
  pauseReason: PauseReason | null;
  /** Whole days the clock stood still in pauses that have ended. */
  pausedDays: number;
}

export function openRequestClock(receivedAt: Date): RequestClockState {
  return { receivedAt, extendedAt: null, pausedSince: null, pauseReason: null, pausedDays: 0 };
}

export interface RequestDeadlines {
  /** When the request must be answered: the one date staff and the person see. */
  dueAt: Date;
  /** The policy's promise (moved by pauses); null: the policy promises nothing for the right. */
  policyDueAt: Date | null;
  /** The law's first deadline (moved by pauses); null: no law deadline. */
  lawDueAt: Date | null;
  /** The law's deadline with the extension: the due date once extended; null where the law allows none. */
  extendedDueAt: Date | null;
  /** The last moment an extension notice can go out; null: extended already, or not allowed. */
  extensionNoticeBy: Date | null;
  /** Confirm receipt by then; null: the law asks for no confirmation. */
  acknowledgeBy: Date | null;
  extended: boolean;
  paused: boolean;
  /** Whole days stopped so far (counting an open pause up to `at`). */
  pausedDays: number;
}

/** The end (last millisecond, UTC) of the same date `months` later, or of that month's last day where the date does not exist. */
export function correspondingDayEnd(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(from.getUTCDate(), lastDay), 23, 59, 59, 999));
}

/** Whole UTC days from the day of `from` to the day of `to`. */
export function wholeDaysBetween(from: Date, to: Date): number {
  const day = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Math.max(0, Math.round((day(to) - day(from)) / DAY));
}

/** receivedAt + the periods, in the law's counting (months as above, days and hours exact, business days on the calendar). */
function periodEnd(calendar: BusinessCalendar, receivedAt: Date, periods: Period[]): Date {
  const [first, ...rest] = periods;
  if (rest.every((p) => p.unit === first.unit)) {
    const amount = periods.reduce((sum, p) => sum + p.amount, 0);
    return first.unit === 'month' ? correspondingDayEnd(receivedAt, amount) : calendar.addPeriod(receivedAt, { amount, unit: first.unit });
  }
  return periods.reduce((at, p) => (p.unit === 'month' ? correspondingDayEnd(at, p.amount) : calendar.addPeriod(at, p)), receivedAt);
}

/** A deadline moved by the paused days, then onto a business day where the rule or the unit says so. */
function shifted(calendar: BusinessCalendar, end: Date, pausedDays: number, toWorkingDay: boolean): Date {
  const moved = new Date(end.getTime() + pausedDays * DAY);
  return toWorkingDay ? calendar.nextBusinessDay(moved) : moved;
}

/** All the dates of a request's clock; `at` (now) counts an open pause up to that moment. */
export function requestDeadlines(spec: RequestClockSpec, state: RequestClockState, at?: Date): RequestDeadlines {
  const { law: lawClock, promise, calendar } = spec;
  const pausedDays = state.pausedDays + (state.pausedSince && at ? wholeDaysBetween(state.pausedSince, at) : 0);
  const lawEnd = (periods: Period[]) =>
    shifted(calendar, periodEnd(calendar, state.receivedAt, periods), pausedDays, Boolean(lawClock?.nextWorkingDay) || periods.some((p) => p.unit === 'business_day'));
  const lawDueAt = lawClock ? lawEnd([lawClock.response]) : null;
  const extendedDueAt = lawClock?.extension ? lawEnd([lawClock.response, lawClock.extension.period]) : null;
  const policyDueAt = promise ? shifted(calendar, calendar.addPeriod(state.receivedAt, promise), pausedDays, promise.unit === 'business_day') : null;
  const candidates = [policyDueAt, lawDueAt].filter((d): d is Date => d !== null);
  // requestClockSpec always gives a promise or a law; a hand-made spec with neither is due at once.
  const firstDue = candidates.length ? new Date(Math.min(...candidates.map((d) => d.getTime()))) : state.receivedAt;
  const extended = state.extendedAt !== null && extendedDueAt !== null;
  const ack = lawClock?.acknowledgement;
  return {
    dueAt: extended ? extendedDueAt : firstDue,
    policyDueAt,
    lawDueAt,
    extendedDueAt,
    extensionNoticeBy: !extended && extendedDueAt ? lawDueAt : null,
    acknowledgeBy: ack ? calendar.addPeriod(state.receivedAt, ack.period) : null,
    extended,
    paused: state.pausedSince !== null,
    pausedDays,
  };
}

/** When a request received at `receivedAt` must be answered (nothing paused or extended yet). */
export function requestDueDate(spec: RequestClockSpec, receivedAt: Date): Date {
  return requestDeadlines(spec, openRequestClock(receivedAt)).dueAt;
}

/** When receipt must be confirmed (CCPA 11 CCR 7021(a): 10 business days); null where the law asks for no confirmation. */
export function acknowledgementDueDate(spec: RequestClockSpec, receivedAt: Date): Date | null {
  return requestDeadlines(spec, openRequestClock(receivedAt)).acknowledgeBy;
}

export type ClockRefusalCode =
  | 'extension_not_allowed'
  | 'already_extended'
  | 'extension_notice_late'
  | 'extension_reason_required'
  | 'pause_not_allowed'
  | 'pause_reason_not_allowed'
  | 'already_paused'
  | 'not_paused'
  | 'clock_expired'
  | 'invalid_time';

export type ClockChange = { ok: true; state: RequestClockState; deadlines: RequestDeadlines } | { ok: false; code: ClockRefusalCode; message: string };

const refuse = (code: ClockRefusalCode, message: string): ClockChange => ({ ok: false, code, message });
const accept = (spec: RequestClockSpec, state: RequestClockState, at: Date): ClockChange => ({ ok: true, state, deadlines: requestDeadlines(spec, state, at) });

/**
 * Staff extend the deadline, the person told at `at` with `reason`: once, where the law allows
 * it, and only while the law's first period runs (GDPR Art 12(3), 11 CCR 7021(b)).
 */
export function extendRequestClock(spec: RequestClockSpec, state: RequestClockState, at: Date, reason: string): ClockChange {
  const extension = spec.law?.extension;
  if (!extension) return refuse('extension_not_allowed', spec.law ? `${spec.law.name} allows no extension for this request (${spec.law.citation}).` : 'No law deadline to extend: the policy’s promise stands.');
  if (state.extendedAt) return refuse('already_extended', `The deadline was already extended; ${spec.law!.name} allows one extension (${extension.citation}).`);
  if (at.getTime() < state.receivedAt.getTime()) return refuse('invalid_time', 'The notice cannot come before the request.');
  if (!reason.trim()) return refuse('extension_reason_required', `The notice must give the reasons for the delay (${extension.citation}).`);
  const noticeBy = requestDeadlines(spec, state, at).extensionNoticeBy!;
  if (at.getTime() > noticeBy.getTime()) return refuse('extension_notice_late', `The notice had to go out by ${noticeBy.toISOString()} (${extension.citation}).`);
  return accept(spec, { ...state, extendedAt: at }, at);
}

/** Stops the clock at `at` while waiting for the person, where the regime allows it (UK GDPR Art 12A). */
export function pauseRequestClock(spec: RequestClockSpec, state: RequestClockState, at: Date, reason: PauseReason): ClockChange {
  const pause = spec.law?.pause;
  if (!pause) return refuse('pause_not_allowed', spec.law ? `${spec.law.name} does not stop the clock: time waiting for the person counts (${spec.law.citation}).` : 'The policy’s promise does not stop.');
  if (!pause.reasons.includes(reason)) return refuse('pause_reason_not_allowed', `${spec.law!.name} stops the clock only while waiting for: ${pause.reasons.join(', ')} (${pause.citation}).`);
  if (state.pausedSince) return refuse('already_paused', `The clock is stopped since ${state.pausedSince.toISOString()}.`);
  if (at.getTime() < state.receivedAt.getTime()) return refuse('invalid_time', 'A pause cannot start before the request.');
  const { dueAt } = requestDeadlines(spec, state, at);
  if (at.getTime() > dueAt.getTime()) return refuse('clock_expired', `The request was due ${dueAt.toISOString()}: an overdue clock cannot be stopped.`);
  return accept(spec, { ...state, pausedSince: at, pauseReason: reason }, at);
}

/** Starts the clock again at `at`: the due dates move by the whole days it stood still. */
export function resumeRequestClock(spec: RequestClockSpec, state: RequestClockState, at: Date): ClockChange {
  if (!state.pausedSince) return refuse('not_paused', 'The clock is running.');
  if (at.getTime() < state.pausedSince.getTime()) return refuse('invalid_time', 'The clock cannot start again before it stopped.');
  const resumed = { ...state, pausedSince: null, pauseReason: null, pausedDays: state.pausedDays + wholeDaysBetween(state.pausedSince, at) };
  return accept(spec, resumed, at);
}
