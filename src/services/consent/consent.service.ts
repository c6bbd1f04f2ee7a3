import type { EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { selectRows } from '../../db/statements';
import { ConsentRecord } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { consentPurposes, type ConsentDecision, type ConsentGiver, type ConsentMethod, type ConsentPurpose } from '../../policy';
import type { Keyring } from '../../util/keyring';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import type { PolicyService } from '../policy.service';
import type { PolicyVersionService } from '../policy-version.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';

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
 *
 * Every withdrawal of a subject's consent, by the person or by a parent for a child, is told to the
 * recipients subscribed to `consent_withdrawn` (GDPR Art 7(3), 17(1)(b), 19: what they do on that
 * consent must stop), in the same transaction, one signed notice per occasion. Not told: choices of
 * a device's cookie banner (no subject to name; the banner itself stops setting the cookies), and
 * sale/sharing, whose withdrawal is an opt-out with its own `opt_out` event.
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
    private readonly audit: AuditService,
    private readonly notices?: RecipientNoticeService,
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

  /** Appends one decision inside the caller's transaction (a withdrawal is told to recipients: see the class). */
  async record(em: EntityManager, target: ConsentTarget, input: ConsentInput): Promise<ConsentRecord> {
    return (await this.recordAll(em, target, [input]))[0];
  }

  /**
   * Appends the decisions of one occasion (a parent's revocation, a dashboard answer) inside the
   * caller's transaction; the subject's withdrawals among them make one `consent_withdrawn` notice.
   */
  async recordAll(em: EntityManager, target: ConsentTarget, inputs: ConsentInput[]): Promise<ConsentRecord[]> {
    const rows: ConsentRecord[] = [];
    for (const input of inputs) rows.push(await this.insert(em, target, input));
    const withdrawn = rows.filter((r) => r.decision === 'withdrawn' && this.byKey.get(r.purpose)?.kind !== 'sale_share');
    if ('subjectId' in target && withdrawn.length && this.notices) {
      await this.notices.notify(em, 'consent_withdrawn', {
        subjectId: target.subjectId,
        data: { purposes: withdrawn.map((r) => r.purpose), givenBy: withdrawn[0].givenBy, method: withdrawn[0].method },
      });
    }
    return rows;
  }

  private async insert(em: EntityManager, target: ConsentTarget, input: ConsentInput): Promise<ConsentRecord> {
    if (!this.byKey.has(input.purpose)) throw new Error(`unknown consent purpose ${input.purpose}`);
    const row = Object.assign(new ConsentRecord(), {
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
    const rows = await selectRows(em, ConsentRecord, where, { orderBy: { id: 'DESC' } });
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
          ErrorCode.INVALID_CONSENT_PURPOSE,
          essential
            ? `"${choice.category}" cookies are strictly necessary: they need no consent and cannot be refused.`
            : `No cookie category "${choice.category}" in the policy. Categories: ${cookiePurposes.map((p) => p.key.slice(7)).join(', ')}.`,
        );
      }
    }
    const missing = cookiePurposes.filter((p) => !choices.some((c) => `cookie.${c.category}` === p.key));
    if (missing.length) {
      return new DomainError(ErrorCode.INVALID_CONSENT_PURPOSE, `Give a choice for every optional cookie category; missing: ${missing.map((p) => p.key.slice(7)).join(', ')}.`);
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

  /**
   * A signed-in person's own choice for a purpose they decide in their settings (cookies,
   * marketing). Sale/share goes through the opt-out flow (downstream notices) and the child
   * purposes through the parent; both are refused here with a pointer.
   */
  async decideForSelf(ctx: CallContext, purposeKey: string, granted: boolean): Promise<PurposeState | DomainError> {
    const subjectId = ctx.actor!.subjectId;
    const purpose = this.byKey.get(purposeKey);
    if (!purpose || (purpose.kind !== 'cookie' && purpose.kind !== 'marketing')) {
      const hint = purpose?.kind === 'sale_share' ? ' Use optOutOfSale to opt out of sale or sharing.' : purpose?.kind === 'child' ? ' A parent decides this through the parental consent flow.' : '';
      return new DomainError(
        ErrorCode.INVALID_CONSENT_PURPOSE,
        `You cannot set "${purposeKey}" here.${hint} Purposes you decide in your settings: ${this.selfPurposes().map((p) => p.key).join(', ')}.`,
      );
    }
    await this.db.transaction(async (em) => {
      const [current] = await this.state({ subjectId }, [purpose], em);
      await this.record(em, { subjectId }, {
        purpose: purposeKey,
        decision: granted ? 'granted' : current.granted ? 'withdrawn' : 'denied',
        method: 'settings',
        givenBy: 'self',
        evidence: { requestId: ctx.requestId ?? null },
        expiresAt: granted && purpose.kind === 'cookie' ? new Date(this.clock.now().getTime() + this.cookieLifetimeMs) : null,
      });
      await this.audit.append(em, { ...auditOrigin(ctx, 'subject'), action: 'consent.record', subjectId, categories: ['preference'], fields: [purposeKey], operation: granted ? 'recordConsent' : 'withdrawConsent' });
    });
    return (await this.state({ subjectId }, [purpose]))[0];
  }

  /** Every purpose's state for a subject; the read is audited (preference data). */
  async subjectState(ctx: CallContext, subjectId: string): Promise<PurposeState[]> {
    const states = await this.state({ subjectId });
    await this.audit.record({ ...auditOrigin(ctx, ctx.actor?.subjectId === subjectId ? 'subject' : 'staff'), action: 'consent.read', subjectId, categories: ['preference'], fields: ['consents'], operation: 'consents' });
    return states;
  }

  private selfPurposes(): ConsentPurpose[] {
    return this.purposes().filter((p) => p.kind === 'cookie' || p.kind === 'marketing');
  }

  cookieState(deviceId: string): Promise<PurposeState[]> {
    return this.state({ deviceId }, this.purposes().filter((p) => p.kind === 'cookie'));
  }
}
