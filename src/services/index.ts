import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/database';
import type { Policy } from '../policy';
import { AuditService } from './audit/audit.service';
import { PolicyService } from './policy.service';
import { PolicyVersionService } from './policy-version.service';
import { MfaService } from './identity/mfa.service';
import { PasswordHasher } from './identity/password-hasher';
import { SessionService } from './identity/session.service';
import { SubjectService } from './identity/subject.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { PersonalDataService } from './personal-data/personal-data.service';

/** What every service may use from outside the domain. */
export interface ServiceDeps {
  config: Config;
  dataSource: DataSource;
  db: Database;
  clock: Clock;
  logger: Logger;
  policy: Policy;
}

/** The services of one running app, built once at start and shared by resolvers, pages and workflows. */
export function createServices(deps: ServiceDeps) {
  const { config, db, clock } = deps;
  const policy = new PolicyService(deps.policy);
  const audit = new AuditService(db, clock, config.AUDIT_PSEUDONYM_KEY);
  const passwords = new PasswordHasher(config.PASSWORD_HASH_COST);
  const rateLimits = new RateLimitService(db, clock);
  let mfa: MfaService | undefined;
  const sessions = new SessionService(db, clock, config, audit, passwords, rateLimits, () => mfa!);
  mfa = new MfaService(db, clock, config, audit, rateLimits, sessions);
  return {
    policy,
    audit,
    policyVersions: new PolicyVersionService(deps.dataSource, deps.clock, policy),
    passwords,
    rateLimits,
    sessions,
    mfa,
    subjects: new SubjectService(db, clock, config, audit, passwords, rateLimits, sessions),
    personalData: new PersonalDataService(deps.dataSource, clock, policy, audit),
  };
}

export type Services = ReturnType<typeof createServices>;
