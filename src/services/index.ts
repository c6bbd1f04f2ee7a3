import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/database';
import type { Policy } from '../policy';
import type { Keyring } from '../util/keyring';
import { AgeGateService } from './age-gate.service';
import { AuditService } from './audit/audit.service';
import { ConsentService } from './consent.service';
import { PolicyService } from './policy.service';
import { PolicyVersionService } from './policy-version.service';

/** What every service may use from outside the domain. */
export interface ServiceDeps {
  config: Config;
  dataSource: DataSource;
  db: Database;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  keyring: Keyring;
}

/** The services of one running app, built once at start and shared by resolvers, pages and workflows. */
export function createServices(deps: ServiceDeps) {
  const policy = new PolicyService(deps.policy);
  const policyVersions = new PolicyVersionService(deps.dataSource, deps.clock, policy);
  return {
    policy,
    audit: new AuditService(deps.db, deps.clock),
    policyVersions,
    consent: new ConsentService(deps.db, deps.clock, deps.keyring, policy, policyVersions, deps.config.COOKIE_CONSENT_LIFETIME),
    ageGate: new AgeGateService(deps.db, deps.clock, deps.keyring, policy, deps.config.AGE_GATE_RETRY_WINDOW),
  };
}

export type Services = ReturnType<typeof createServices>;
