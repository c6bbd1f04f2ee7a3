import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { ConsentRecord } from '../entities';
import { DomainError, ErrorCode } from '../errors';
import { consentPurposes, type ConsentDecision, type ConsentGiver, type ConsentMethod, type ConsentPurpose } from '../policy';
import type { Keyring } from '../util/keyring';
import type { PolicyService } from './policy.service';
import type { PolicyVersionService } from './policy-version.service';

export type ConsentTarget = { subjectId: string } | { deviceId: string };

export interface ConsentInput {
  purpose: string;
  decision: ConsentDecision;
  method: ConsentMethod;
  givenBy: ConsentGiver;
  givenBySubjectId?: string | null;
  evidence?: Record<string, unknown>;
  expiresAt?: Date | null;
}

export interface PurposeState {
  purpose: ConsentPurpose;
  granted: boolean;
  /** The record the state comes from; absent when nobody has decided yet. */
  record?: ConsentRecord;
  /** True when the person must be asked (again): never asked, lapsed, or asked under an older policy version. */
  needsDecision: boolean;
}

export interface CookieChoice {
  category: string;
  granted: boolean;
}

/**
 * Consent as append-only evidence (GDPR Art 7): recording a decision, and reading the current
 * state per purpose for a subject or a device. Withdrawing is as easy as giving (one call).
 */
export class ConsentService {
  private readonly byKey: Map<string, ConsentPurpose>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly keyring: Keyring,
    private readonly policy: PolicyService,
    private readonly policyVersions: PolicyVersionService,
    private readonly cookieLifetimeMs: number,
  ) {
    this.byKey = new Map(consentPurposes(policy.policy).map((p) => [p.key, p]));
  }

  purposes(): ConsentPurpose[] {
    return [...this.byKey.values()];
  }

  purpose(key: string): ConsentPurpose | undefined {
    return this.byKey.get(key);
  }

  deviceKey(deviceId: string): string {
    return this.keyring.key('consent-device', deviceId);
  }

  /** Appends one decision inside the caller's transaction. */
  async record(em: EntityManager, target: ConsentTarget, input: ConsentInput): Promise<ConsentRecord> {
    if (!this.byKey.has(input.purpose)) throw new Error(`unknown consent purpose ${input.purpose}`);
    const row = Object.assign(new ConsentRecord(), {
      id: randomUUID(),
      subjectId: 'subjectId' in target ? target.subjectId : null,
      deviceKey: 'deviceId' in target ? this.deviceKey(target.deviceId) : null,
      purpose: input.purpose,
      decision: input.decision,
      method: input.method,
      givenBy: input.givenBy,
      givenBySubjectId: input.givenBySubjectId ?? null,
      policyVersionId: await this.policyVersions.recordCurrent(),
      evidence: JSON.stringify(input.evidence ?? {}),
      recordedAt: this.clock.now(),
      expiresAt: input.expiresAt ?? null,
    });
    await em.insert(ConsentRecord, row);
    return row;
  }

  /** The current state of every purpose (or the given ones) for a subject or a device. */
  async state(target: ConsentTarget, purposes: ConsentPurpose[] = this.purposes(), em: EntityManager = this.db.manager): Promise<PurposeState[]> {
    const where = 'subjectId' in target ? { subjectId: target.subjectId } : { deviceKey: this.deviceKey(target.deviceId) };
    const rows = await em.getRepository(ConsentRecord).find({ where, order: { recordedAt: 'DESC', id: 'DESC' } });
    const latest = new Map<string, ConsentRecord>();
    for (const row of rows) if (!latest.has(row.purpose)) latest.set(row.purpose, row);
    const now = this.clock.now().getTime();
    const currentVersion = await this.policyVersions.recordCurrent();
    return purposes.map((purpose) => {
      const record = latest.get(purpose.key);
      const lapsed = !!record?.expiresAt && record.expiresAt.getTime() <= now;
      const granted = record?.decision === 'granted' && !lapsed;
      return { purpose, granted, record, needsDecision: !record || lapsed || record.policyVersionId !== currentVersion };
    });
  }

  /** A cookie banner's choices for a device: one record per non-essential category, all in one transaction. */
  async recordCookieChoices(deviceId: string, choices: CookieChoice[], evidence: Record<string, unknown>): Promise<PurposeState[] | DomainError> {
    const cookiePurposes = this.purposes().filter((p) => p.kind === 'cookie');
    for (const choice of choices) {
      if (!this.byKey.has(`cookie.${choice.category}`)) {
        const essential = this.policy.policy.cookieCategories.find((c) => c.key === choice.category && c.strictlyNecessary);
        return new DomainError(
          ErrorCode.INVALID_CONSENT_PURPOSE_ERROR,
          essential
            ? `"${choice.category}" cookies are strictly necessary: they need no consent and cannot be refused.`
            : `No cookie category "${choice.category}" in the policy. Categories: ${cookiePurposes.map((p) => p.key.slice(7)).join(', ')}.`,
        );
      }
    }
    const missing = cookiePurposes.filter((p) => !choices.some((c) => `cookie.${c.category}` === p.key));
    if (missing.length) {
      return new DomainError(ErrorCode.INVALID_CONSENT_PURPOSE_ERROR, `Give a choice for every optional cookie category; missing: ${missing.map((p) => p.key.slice(7)).join(', ')}.`);
    }
    const expiresAt = new Date(this.clock.now().getTime() + this.cookieLifetimeMs);
    await this.db.transaction(async (em) => {
      for (const choice of choices) {
        await this.record(em, { deviceId }, {
          purpose: `cookie.${choice.category}`,
          decision: choice.granted ? 'granted' : 'denied',
          method: 'banner',
          givenBy: 'self',
          evidence,
          expiresAt: choice.granted ? expiresAt : null,
        });
      }
    });
    return this.state({ deviceId }, cookiePurposes);
  }

  cookieState(deviceId: string): Promise<PurposeState[]> {
    return this.state({ deviceId }, this.purposes().filter((p) => p.kind === 'cookie'));
  }
}
