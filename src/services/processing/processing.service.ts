import { In } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { selectOne, selectRows } from '../../db/statements';
import { ConsentRecord, Subject, SubjectAge } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import { processingPurposes, type ProcessingPurpose } from '../../policy';
import type { SubjectAgeService } from '../opt-out/subject-age.service';
import type { PolicyService } from '../policy.service';
import { CHILD_COLLECTION, decideProcessing, type ProcessingDecision } from './processing-decision';

export interface ProcessingAnswer extends ProcessingDecision {
  subjectId: string;
  purpose: ProcessingPurpose;
  decidedAt: Date;
}

/**
 * `processingAllowed(subjectId, purpose)`: the hot call of the site's other services. Two indexed
 * reads (the subject with its known age by primary key; the consent records of the purposes that
 * matter on the (subjectId, purpose) index: for a restricted subject also the child account's
 * consent, whose withdrawal by a parent is a revocation), then the pure rule in processing-decision.ts.
 */
export class ProcessingService {
  private readonly purposes: Map<string, ProcessingPurpose>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    policy: PolicyService,
    private readonly ages: SubjectAgeService,
  ) {
    this.purposes = new Map(processingPurposes(policy.policy).map((p) => [p.key, p]));
  }

  list(): ProcessingPurpose[] {
    return [...this.purposes.values()];
  }

  async decide(subjectId: string, purposeKey: string): Promise<ProcessingAnswer | DomainError> {
    const purpose = this.purposes.get(purposeKey);
    if (!purpose) {
      return new DomainError(ErrorCode.INVALID_PROCESSING_PURPOSE, `No processing purpose "${purposeKey}" in the policy. Purposes: ${[...this.purposes.keys()].join(', ')}.`);
    }
    const em = this.db.manager;
    const subject = await selectOne(em, Subject, { id: subjectId });
    const age = subject && (await selectOne(em, SubjectAge, { subjectId }));
    const row = subject ? { status: subject.status, birthDate: age?.birthDate ?? null, jurisdiction: age?.jurisdiction ?? null } : undefined;
    // A restricted subject may be a child whose parent revoked consent: its account consent decides then.
    const consentKeys = [purpose.consentPurpose, purpose.saleShare ? 'child.disclosure' : undefined, row?.status === 'restricted' ? CHILD_COLLECTION : undefined].filter((k): k is string => !!k);
    const records = row && consentKeys.length ? await selectRows(em, ConsentRecord, { subjectId, purpose: In(consentKeys) }, { orderBy: { id: 'DESC' } }) : [];
    const latest = new Map<string, ConsentRecord>();
    for (const r of records) if (!latest.has(r.purpose)) latest.set(r.purpose, r);
    const now = this.clock.now();
    const decision = decideProcessing(purpose, {
      status: row?.status ?? null,
      age: row?.birthDate && row.jurisdiction ? this.ages.fromRow({ birthDate: row.birthDate, jurisdiction: row.jurisdiction }) : undefined,
      latest,
      now,
    });
    return { ...decision, subjectId, purpose, decidedAt: now };
  }
}
