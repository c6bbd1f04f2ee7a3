import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/database';
import type { Policy } from '../policy';
import { deriveSecret, Keyring } from '../util/keyring';
import { AgeGateService } from './age-gate.service';
import { AuditService } from './audit/audit.service';
import { ConsentService } from './consent/consent.service';
import { LegalHoldService } from './legal-hold/legal-hold.service';
import { PrivacyRequestService } from './privacy-request.service';
import { BusinessCalendar } from '../policy';
import { RecipientService } from './webhooks/recipient.service';
import { RecipientNoticeService } from './webhooks/recipient-notice.service';
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
import { ServiceKeyService } from './identity/service-key.service';
import { SubjectService } from './identity/subject.service';
import { RegistrationService } from './identity/registration.service';
import { AddressJobService } from './address-job/address-job.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { PersonalDataService } from './personal-data/personal-data.service';
import { EmailChangeService } from './email-change/email-change.service';
import { OptOutService } from './opt-out/opt-out.service';
import { DeviceOptOutService } from './opt-out/device-opt-out.service';
import { OptOutByEmailService } from './opt-out/opt-out-by-email.service';
import { optOutEffects } from './opt-out/opt-out.effects';
import { SubjectAgeService } from './opt-out/subject-age.service';
import { ProcessingService } from './processing/processing.service';
import { SYSTEM } from '../workflows/runtime/workflow-runtime';
import { ErasureService } from './erasure/erasure.service';
import { ChildErasureService } from './children/child-erasure.service';
import { GuardianService } from './children/guardian.service';
import { ParentalConsentService } from './children/parental-consent.service';
import { ParentalEvidenceService } from './children/parental-evidence.service';
import { ExternalIdService } from './external-id/external-id.service';
import { PrivacyViewService } from './federation/privacy-view.service';

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
  mfa = new MfaService(db, clock, config, audit, rateLimits, sessions, deriveSecret(deps.appSecret, 'mfa'));
  const registry = new WorkflowRegistry();
  for (const def of WORKFLOWS) registry.register(def);
  const tokens = new ActionTokenService(deps.db, deps.clock, deps.config);
  const outbox = new OutboxService(deps.db, deps.clock, deps.config, audit);
  const recipients = new RecipientService(deps.db, deps.clock, new SecretBox(deps.appSecret, 'recipient-secrets'), !deps.config.isProduction);
  const workflows = new WorkflowRuntime({ db: deps.db, clock: deps.clock, config: deps.config, audit, registry, tokens, outbox });
  const links = new ActionLinkService(deps.db, deps.clock, deps.config, tokens, workflows);
  const recipientNotices = new RecipientNoticeService(recipients, outbox, clock);
  const subjects = new SubjectService(db, clock, config, audit, passwords, rateLimits, sessions, recipientNotices);
  // Work for an address that a request must not wait for (issue 11 §10): the outbox's `job` channel.
  const addressJobs = new AddressJobService(db, outbox);
  const registrations = new RegistrationService(db, clock, config, audit, passwords, rateLimits, sessions, subjects, outbox, workflows, links, addressJobs);
  // The email-change workflow's domain write: the subject's email, once the link to the new address is used.
  registry.registerEffect('changeEmail', (em, params, ctx) =>
    subjects.changeEmail(em, String(params.subjectId), String(params.newEmail), { requestId: ctx.by.requestId ?? undefined, ip: ctx.by.ip ?? undefined }),
  );
  const privacyRequests = new PrivacyRequestService(deps.db, deps.clock, audit, policy, calendar);
  const consent = new ConsentService(deps.db, deps.clock, keyring, policy, policyVersions, deps.config.COOKIE_CONSENT_LIFETIME, audit, recipientNotices);
  const ageGate = new AgeGateService(deps.db, deps.clock, keyring, policy, deps.config.AGE_GATE_RETRY_WINDOW);
  const personalData = new PersonalDataService(deps.dataSource, clock, policy, audit);
  const subjectAges = new SubjectAgeService(db, clock, policy);
  for (const [name, handler] of Object.entries(optOutEffects({ notices: recipientNotices, requests: privacyRequests, audit }))) registry.registerEffect(name, handler);
  // A delivered webhook is an event for the workflow that queued it (ccpa-opt-out tracks its notices;
  // a workflow that does not listen for it answers "not accepted" and nothing is written).
  outbox.onSent(async (em, row) => {
    if (row.channel !== 'webhook' || !row.workflowId) return;
    const { recipientId } = JSON.parse(row.params) as { recipientId: string };
    await workflows.deliverIn(em, row.workflowId, { id: `outbox.sent:${row.id}`, type: 'notice.delivered', recipientId }, { ...SYSTEM, operation: 'outbox' });
  });
  // Erasure (its own instances of the stateless services it uses, so this stays one additive block).
  const erasure = new ErasureService({
    db, clock, config, policy, audit, sessions, workflows, outbox,
    privacyRequests,
    personalData,
    recipientNotices,
  });
  erasure.register(registry);
  const legalHolds = new LegalHoldService(deps.db, deps.clock, audit, policy);
  // Every erasure of a child's data (parental-consent effects, a released legal hold).
  const childErasure = new ChildErasureService({ clock, policy, audit, consent, personalData, recipientNotices, outbox, legalHolds }).install();
  // Global Privacy Control from devices: one record per device, recipients told in a periodic digest.
  const deviceOptOuts = new DeviceOptOutService(db, clock, consent, rateLimits, recipientNotices, audit, config.RATE_LIMIT_GPC_DEVICE_IP, deps.logger);
  const optOut = new OptOutService(db, clock, consent, privacyRequests, workflows, recipients, subjectAges, audit, calendar, deviceOptOuts);
  const processing = new ProcessingService(db, clock, policy, subjectAges);
  const externalIds = new ExternalIdService(db, clock, audit);
  const site: SiteInfo = { productName: deps.config.PRODUCT_NAME, siteName: deps.policy.site.name, siteUrl: deps.policy.site.url, policyUrl: deps.policy.site.policyUrl };
  return {
    /** Keys the CSRF tokens of the email-link pages (the same in every process). */
    linkSecret: deriveSecret(deps.appSecret, 'link-csrf'),
    calendar,
    privacyRequests,
    policy,
    audit,
    legalHolds,
    childErasure,
    recipients,
    recipientNotices,
    policyVersions,
    consent,
    subjectAges,
    deviceOptOuts,
    optOut,
    optOutByEmail: new OptOutByEmailService(config, rateLimits, addressJobs, optOut),
    processing,
    ageGate,
    passwords,
    rateLimits,
    sessions,
    serviceKeys: new ServiceKeyService(db, clock, audit, deriveSecret(deps.appSecret, 'service-keys')),
    mfa,
    subjects,
    registrations,
    addressJobs,
    emailChange: new EmailChangeService(db, clock, config, sessions, workflows, rateLimits),
    site,
    links,
    tokens,
    outbox,
    workflows,
    personalData,
    erasure,
    guardians: new GuardianService(db, clock, policy, consent, personalData, audit, workflows, links, sessions),
    parentalConsent: new ParentalConsentService(db, clock, config, policy, ageGate, consent, personalData, audit, workflows, rateLimits, subjectAges, childErasure, addressJobs).install(),
    parentalEvidence: new ParentalEvidenceService(db, config, policy, audit, workflows, new SecretBox(deps.appSecret, 'parental-evidence'), links).install(),
    externalIds,
    /** What the federation subgraph serves: a subject's privacy state, for a service key or the subject. */
    privacyView: new PrivacyViewService({ db, clock, audit, externalIds, consent, optOut, subjectAges, processing }),
  };
}

export type Services = ReturnType<typeof createServices>;
