import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import { PolicyVersion } from '../entities';
import { canonicalJson } from '../util/canonical-json';
import type { PolicyService } from './policy.service';

/** Keeps every policy document the service has served, so consents can point at what was shown. */
export class PolicyVersionService {
  private currentId?: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
  ) {}

  /** Records the running policy version (once per distinct document) and returns its row id. */
  async recordCurrent(): Promise<number> {
    if (this.currentId !== undefined) return this.currentId;
    const repo = this.dataSource.getRepository(PolicyVersion);
    const { policy, contentHash } = this.policy;
    await repo
      .createQueryBuilder()
      .insert()
      .values({ policyId: policy.id, version: policy.version, contentHash, document: canonicalJson(policy), firstServedAt: this.clock.now() })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ contentHash });
    this.currentId = row.id;
    return row.id;
  }
}
