import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/database';
import type { Policy } from '../policy';
import { deriveSecret, Keyring } from '../util/keyring';
import { AgeGateService } from './age-gate.service';
import { AuditService } from './audit/audit.service';
import { ConsentService } from './consent.service';
import { LegalHoldService } from './legal-hold.service';
import { PrivacyRequestService } from './privacy-request.service';
import { BusinessCalendar } from '../policy';
import { RecipientService } from './recipient.service';
import { SecretBox } from '../util/secret-box';
import { ActionTokenService } from './action-token/action-token.service';
import { ActionLinkService } from './action-link/action-link.service';
import type { SiteInfo } from '../mail/mail-template';
import { OutboxService } from '../mail/outbox.service';
import { WORKFLOWS } from '../workflows';
import { WorkflowRegistry } from '../workflows/runtime/workflow-registry';
import { WorkflowRuntime } from '../workflows/runtime/workflow-runtime';
import { PolicyService } from './policy.service';
import { PolicyVersionService } from './policy-version.service';
import { MfaService } from './identity/mfa.service';
import { PasswordHasher } from './identity/password-hasher';
import { SessionService } from './identity/session.service';
import { SubjectService } from './identity/subject.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { PersonalDataService } from './personal-data/personal-data.service';
import { ParentalConsentService } from './children/parental-consent.service';

/** What every service may use from outside the domain. */
export interface ServiceDeps {
  config: Config;
  dataSource: DataSource;
  db: Database;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  appSecret: string;
}

/** The services of one running app, built once at start and shared by resolvers, pages and workflows. */
export function createServices(deps: ServiceDeps) {
  const { config, db, clock } = deps;
  const policy = new PolicyService(deps.policy);
  const keyring = new Keyring(deps.appSecret);
  const policyVersions = new PolicyVersionService(deps.dataSource, clock, policy);
  const calendar = new BusinessCalendar(config.BUSINESS_CALENDAR, config.BUSINESS_CLOSED_DAYS);
  const audit = new AuditService(db, clock, deriveSecret(deps.appSecret, 'audit-pseudonyms'));
  const passwords = new PasswordHasher(config.PASSWORD_HASH_COST);
  const rateLimits = new RateLimitService(db, clock);
  let mfa: MfaService | undefined;
  const sessions = new SessionService(db, clock, config, audit, passwords, rateLimits, () => mfa!);
  mfa = new MfaService(db, clock, config, audit, rateLimits, sessions);
  const registry = new WorkflowRegistry();
  for (const def of WORKFLOWS) registry.register(def);
  const tokens = new ActionTokenService(deps.db, deps.clock, deps.config);
  const outbox = new OutboxService(deps.db, deps.clock, deps.config, audit);
  const workflows = new WorkflowRuntime({ db: deps.db, clock: deps.clock, config: deps.config, audit, registry, tokens, outbox });
  const consent = new ConsentService(deps.db, deps.clock, keyring, policy, policyVersions, deps.config.COOKIE_CONSENT_LIFETIME, audit);
  const ageGate = new AgeGateService(deps.db, deps.clock, keyring, policy, deps.config.AGE_GATE_RETRY_WINDOW);
  const personalData = new PersonalDataService(deps.dataSource, clock, policy, audit);
  const site: SiteInfo = { productName: deps.config.PRODUCT_NAME, siteName: deps.policy.site.name, siteUrl: deps.policy.site.url, policyUrl: deps.policy.site.policyUrl };
  return {
    /** Keys the CSRF tokens of the email-link pages (the same in every process). */
    linkSecret: deriveSecret(deps.appSecret, 'link-csrf'),
    calendar,
    privacyRequests: new PrivacyRequestService(deps.db, deps.clock, audit, policy, calendar),
    policy,
    audit,
    legalHolds: new LegalHoldService(deps.db, deps.clock, audit, policy),
    recipients: new RecipientService(deps.db, deps.clock, new SecretBox(deps.appSecret, 'recipient-secrets'), !deps.config.isProduction),
    policyVersions,
    consent,
    ageGate,
    passwords,
    rateLimits,
    sessions,
    mfa,
    subjects: new SubjectService(db, clock, config, audit, passwords, rateLimits, sessions),
    site,
    links: new ActionLinkService(deps.db, deps.clock, deps.config, tokens, workflows),
    tokens,
    outbox,
    workflows,
    personalData,
    parentalConsent: new ParentalConsentService(db, clock, config, policy, ageGate, consent, personalData, audit, workflows, rateLimits).install(),
  };
}

export type Services = ReturnType<typeof createServices>;
