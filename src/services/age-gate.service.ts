import { randomUUID } from 'node:crypto';
import { MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { insertRow, selectOne, selectRows } from '../db/statements';
import { AgeGateCheck } from '../entities';
import { DomainError, ErrorCode } from '../errors';
import { checkBirthDate, decideAge, type AgeOutcome, type CalendarDate, type TeenLimit, ageOn } from '../policy';
import { canonicalEmail } from '../util/email';
import type { Keyring } from '../util/keyring';
import type { EffectiveJurisdiction, PolicyService } from './policy.service';

export interface AgeGateRequest {
  dateOfBirth: CalendarDate;
  deviceId: string;
  /** The email or username the person is signing up with, if the form has one yet. */
  identifier?: string;
  country?: string;
  region?: string;
  /** The request's country as the app knows it (e.g. a CDN header): used when `country` is absent. */
  requestCountry?: string;
}

export interface AgeGateAnswer {
  checkId: string;
  outcome: AgeOutcome;
  threshold: number;
  jointConsent: boolean;
  limits: TeenLimit[];
  jurisdiction: EffectiveJurisdiction;
  /** True when an earlier, more protective answer for this device or identifier was repeated. */
  repeated: boolean;
  decidedAt: Date;
}

const PROTECTION: Record<AgeOutcome, number> = { adult: 0, teen: 1, parental_consent_required: 2 };

/**
 * The neutral age screen (COPPA §312.2 mixed-audience screening, GDPR Art 8). It takes a full date
 * of birth and answers adult, teen (with the limits that apply) or parental consent required, with
 * the threshold and its legal source. Anti-retry: within AGE_GATE_RETRY_WINDOW, a device or an
 * email/username keeps the most protective answer it has had, so going back and entering an older
 * date changes nothing (and is recorded); a younger date is actual knowledge and tightens it.
 */
export class AgeGateService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly policy: PolicyService,
    private readonly retryWindowMs: number,
  ) {}

  async check(request: AgeGateRequest): Promise<AgeGateAnswer | DomainError> {
    const now = this.clock.now();
    const problem = checkBirthDate(request.dateOfBirth, now);
    if (problem) return new DomainError(ErrorCode.INVALID_DATE_OF_BIRTH, BIRTH_DATE_MESSAGES[problem], { reason: problem });

    const jurisdiction = this.policy.jurisdiction(request.country ?? request.requestCountry ?? 'ZZ', request.country ? request.region : undefined);
    const decision = decideAge(ageOn(request.dateOfBirth, now), jurisdiction);
    const deviceKey = this.keyring.key('age-gate-device', request.deviceId);
    const identifierKey = request.identifier ? this.identifierKey(request.identifier) : null;
    const birthDateKey = this.birthDateKey(request.dateOfBirth);

    return this.db.transaction(async (em) => {
      const since = new Date(now.getTime() - this.retryWindowMs);
      const earlier = await this.earlierChecks(em, deviceKey, identifierKey, since);
      const row: AgeGateCheck = Object.assign(new AgeGateCheck(), {
        id: randomUUID(),
        deviceKey,
        identifierKey,
        birthDateKey,
        outcome: decision.outcome,
        age: decision.age,
        threshold: decision.threshold,
        jointConsent: decision.jointConsent,
        limits: JSON.stringify(decision.limits),
        jurisdiction: jurisdiction.code,
        retried: earlier.some((e) => e.birthDateKey !== birthDateKey),
        decidedAt: now,
      });
      const applied = [...earlier, row].reduce((best, c) =>
        PROTECTION[c.outcome as AgeOutcome] > PROTECTION[best.outcome as AgeOutcome] ? c : best,
      );
      row.appliedCheckId = applied.id;
      await insertRow(em, AgeGateCheck, row);
      return {
        checkId: row.id,
        outcome: applied.outcome as AgeOutcome,
        threshold: applied.threshold,
        jointConsent: applied.jointConsent,
        limits: JSON.parse(applied.limits) as TeenLimit[],
        jurisdiction: applied === row ? jurisdiction : this.policy.jurisdictionByCode(applied.jurisdiction),
        repeated: applied !== row,
        decidedAt: applied.decidedAt,
      };
    });
  }

  /** The decision a device is bound to now (the most protective within the window), if any. */
  async currentDecision(deviceId: string): Promise<AgeGateCheck | undefined> {
    const since = new Date(this.clock.now().getTime() - this.retryWindowMs);
    const em = this.db.manager;
    const latest = await selectOne(em, AgeGateCheck, { deviceKey: this.keyring.key('age-gate-device', deviceId), decidedAt: MoreThanOrEqual(since) }, { orderBy: { decidedAt: 'DESC' } });
    if (!latest) return undefined;
    return (await selectOne(em, AgeGateCheck, { id: latest.appliedCheckId })) ?? undefined;
  }

  /** The checks of this device or this identifier since `since`, oldest first (two indexed lookups, not one OR). */
  private async earlierChecks(em: EntityManager, deviceKey: string, identifierKey: string | null, since: Date): Promise<AgeGateCheck[]> {
    const byDevice = await selectRows(em, AgeGateCheck, { deviceKey, decidedAt: MoreThanOrEqual(since) }, { orderBy: { decidedAt: 'ASC' } });
    if (!identifierKey) return byDevice;
    const seen = new Set(byDevice.map((c) => c.id));
    const byIdentifier = (await selectRows(em, AgeGateCheck, { identifierKey, decidedAt: MoreThanOrEqual(since) }, { orderBy: { decidedAt: 'ASC' } })).filter((c) => !seen.has(c.id));
    return [...byDevice, ...byIdentifier].sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  }

  /**
   * The identifiers (keyed) that a device's current decision was answered for: every check of this
   * device within the window that answered with it. Empty when the gate never had an identifier.
   */
  async identifierKeysAnsweredWith(deviceId: string, decision: AgeGateCheck): Promise<string[]> {
    const since = new Date(this.clock.now().getTime() - this.retryWindowMs);
    const rows = await this.db.manager.getRepository(AgeGateCheck).find({
      where: { deviceKey: this.keyring.key('age-gate-device', deviceId), appliedCheckId: decision.id, decidedAt: MoreThanOrEqual(since) },
    });
    return [...new Set([decision, ...rows].map((r) => r.identifierKey).filter((k): k is string => !!k))];
  }

  /**
   * The keyed hash an email or username tried at the gate is stored and matched as. An email is
   * keyed by its canonical form (src/util/email.ts), so `"x"@d` or `X@D` cannot dodge the answer
   * given for `x@d`; anything else (a username) by its trimmed lower case.
   */
  identifierKey(identifier: string): string {
    const text = identifier.trim();
    return this.keyring.key('age-gate-identifier', (text.includes('@') ? canonicalEmail(text) : null) ?? text.toLowerCase());
  }

  birthDateKey(date: CalendarDate): string {
    return this.keyring.key('age-gate-birth-date', `${date.year}-${date.month}-${date.day}`);
  }
}

const BIRTH_DATE_MESSAGES: Record<string, string> = {
  impossible: 'That date does not exist. Check the day, month and year.',
  in_future: 'That date is in the future. Enter your date of birth.',
  too_old: 'That date is more than 120 years ago. Check the year.',
};
