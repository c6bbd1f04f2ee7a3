import type { SubjectAgeService } from '../opt-out/subject-age.service';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { In, IsNull, Not } from 'typeorm';
import { GuardianLink, ParentalEvidence, Profile, Subject, Timer, Workflow, type AgeGateCheck, type ChildErasureReason, type GuardianLinkStatus } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import { birthdayOf, type CalendarDate } from '../../policy';
import { html, SafeHtml } from '../../util/html';
import type { Locale } from '../../util/locale';
import {
  PARENT_DASHBOARD_LINK,
  PARENTAL_CONSENT_LINK,
  TEEN_HANDOVER_LINK,
  type GuardianStatusParams,
  type ParentVerificationMethod,
  type ParentalConsentContext,
  type ParentalConsentInput,
  type RecordParentalConsentParams,
  type RecordTeenConsentParams,
} from '../../workflows/parental-consent/parental-consent.machine';
import type { EffectHandler, LinkChoice, LinkForm, LinkFormView } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { AgeGateService } from '../age-gate.service';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import type { ConsentService } from '../consent/consent.service';
import { isUniqueViolation, newSubjectRow } from '../identity/subject.service';
import { mailboxKey, normalizeEmail } from '../../util/email';
import type { AddressJobService } from '../address-job/address-job.service';
import { ipGroup } from '../../util/ip-group';
import type { PersonalDataService } from '../personal-data/personal-data.service';
import type { PolicyService } from '../policy.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { ChildErasureService } from './child-erasure.service';
import { directNotice, type DirectNotice } from './direct-notice';

export const PARENTAL_CONSENT_MACHINE = 'parental-consent';
/** The consents whose parent can ask for the dashboard (a revoked one offers only review and deletion). */
export const PARENT_DASHBOARD_STATUSES: GuardianLinkStatus[] = ['active', 'revoked'];
/** A dashboard link is a one-action sign-in: short-lived. */
const PARENT_DASHBOARD_LINK_TTL = '1h';

export interface RegisterChildInput {
  deviceId: string;
  username: string;
  parentEmail: string;
  dateOfBirth: CalendarDate;
  locale: string;
  /** The child's own agreement, required where the child consents jointly with a parent (France under 15); ignored elsewhere. */
  childAgrees?: boolean | null;
}

export interface ChildRegistration {
  childId: string;
  status: 'pending_parental_consent';
}

export interface ChildAccountState {
  childId: string;
  status: string;
  consentStatus: string;
  awaitingTeenConfirmation: boolean;
  teenConfirmationDueAt: Date | null;
}

export interface VerificationCase {
  workflowId: string;
  childId: string;
  requestedFeatures: string[];
  /** Since when the case waits (the parent's consent, or what the parent returned last). */
  since: Date;
  /** What the parent returned on the verification page; undefined: nothing yet. */
  evidence?: {
    evidenceId: string;
    method: ParentVerificationMethod;
    submittedAt: Date;
    contentType: string | null;
    byteSize: number | null;
    contact: string | null;
    preferredTime: string | null;
  };
}

/** A workflow whose consent is joint (the child agreed at registration; the parent's record completes it). */
const isJoint = (workflow: Workflow) => (JSON.parse(workflow.snapshot) as { context?: ParentalConsentContext }).context?.jointConsent === true;
/** The address job of requestParentDashboard. */
export const PARENT_DASHBOARD_JOB = 'parent-dashboard';

const noticeLocale = (locale: string): 'en' | 'de' => (locale.toLowerCase().startsWith('de') ? 'de' : 'en');
const birthDateText = (d: CalendarDate) => `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * Children's accounts under COPPA §312.5: registration that collects only what §312.5(c)(1) allows
 * (a username, the parent's email, the screened date of birth and jurisdiction) and starts the
 * parental-consent workflow; the domain writes that workflow names (consent records, status,
 * erasure); the consent page's form; the staff decision on stronger verification.
 */
export class ParentalConsentService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly policy: PolicyService,
    private readonly ageGate: AgeGateService,
    private readonly consent: ConsentService,
    private readonly personalData: PersonalDataService,
    private readonly audit: AuditService,
    private readonly runtime: WorkflowRuntime,
    private readonly rateLimits: RateLimitService,
    private readonly subjectAges: SubjectAgeService,
    private readonly childErasure: ChildErasureService,
    private readonly jobs: AddressJobService,
  ) {}

  /** Registers the workflow's effects and the consent page's form with the runtime's registry. */
  install(): this {
    const registry = this.runtime.registry;
    this.jobs.register(PARENT_DASHBOARD_JOB, (em, job) => this.parentDashboardJob(em, job.address, job.ctx));
    registry.registerEffect('recordParentalConsent', this.recordConsentEffect);
    registry.registerEffect('setGuardianStatus', this.setGuardianStatusEffect);
    registry.registerEffect('eraseChild', this.eraseChildEffect);
    registry.registerEffect('restrictChild', this.restrictChildEffect);
    registry.registerEffect('ageUpChild', this.ageUpChildEffect);
    registry.registerForm(PARENTAL_CONSENT_LINK, this.consentForm());
    registry.registerForm(PARENT_DASHBOARD_LINK, this.dashboardForm());
    registry.registerEffect('recordTeenConsent', this.recordTeenConsentEffect);
    registry.registerEffect('teenConfirmationLapsed', this.teenConfirmationLapsedEffect);
    registry.registerForm(TEEN_HANDOVER_LINK, this.teenHandoverForm());
    return this;
  }

  /**
   * A child's registration after the age gate said `parental_consent_required` for this device.
   * No password yet: the account cannot sign in or collect anything until a parent consents. The
   * answer is the same whether or not the parent's email is known to us (it is not even looked up).
   */
  async registerChild(ctx: CallContext, input: RegisterChildInput): Promise<ChildRegistration | DomainError> {
    const gate = await this.gateBinding(input);
    if (isDomainError(gate)) return gate;
    const decision = gate;
    const joint = this.jointConsent(decision);
    if (joint && input.childAgrees !== true) {
      return new DomainError(ErrorCode.JOINT_CONSENT_REQUIRED, `Here a child under ${joint.under} consents together with a parent (${joint.source}): the child must agree first (childAgrees), then we ask the parent.`);
    }
    const username = input.username.trim();
    const parentEmail = normalizeEmail(input.parentEmail);
    // Each registration mails a parent: limited per parent address and per client, like sign-ups.
    const limited = await this.rateLimits.consume([
      { key: RateLimitService.key('register-child:parent', mailboxKey(parentEmail)), rule: this.config.RATE_LIMIT_REGISTER_ACCOUNT },
      { key: RateLimitService.key('register:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_REGISTER_IP },
    ]);
    if (limited) return limited;
    const now = this.clock.now();
    const childId = randomUUID();
    const workflowId = randomUUID();
    const expiry = this.config.PARENTAL_CONSENT_EXPIRY;
    const locale = noticeLocale(input.locale);
    const notice = directNotice(this.policy.policy, { childUsername: username, deleteBy: new Date(now.getTime() + expiry), locale, ...(joint ? { jointConsent: joint } : {}) });
    const taken = () => new DomainError(ErrorCode.USERNAME_TAKEN, 'This username is taken. Choose another one.');
    try {
      return await this.db.transaction(async (em) => {
        if (await em.existsBy(Profile, { username })) return taken();
        await em.insert(Subject, newSubjectRow(now, {
          id: childId,
          // A child gives no email: a placeholder that can never receive mail keeps the column unique.
          email: `child+${childId}@children.invalid`,
          passwordHash: null,
          passwordChangedAt: null,
          status: 'pending_parental_consent',
          roles: Role.SUBJECT,
          displayName: username,
          locale,
          country: decision.jurisdiction.slice(0, 2),
        }));
        await em.insert(Profile, { subjectId: childId, username, pictureUrl: null, bio: null, interests: '[]', professionalCredentials: '[]', updatedAt: now });
        await em.insert(GuardianLink, {
          id: randomUUID(),
          childId,
          parentEmail,
          parentSubjectId: null,
          status: 'pending',
          verificationMethod: null,
          permissions: '[]',
          childBirthDate: birthDateText(input.dateOfBirth),
          jurisdiction: decision.jurisdiction,
          workflowId,
          consentedAt: null,
          heldErasure: null,
          createdAt: now,
          updatedAt: now,
        });
        // The screened birth date is the child's known age (CCPA under-16 rules, processingAllowed).
        await this.subjectAges.record(em, childId, { birthDate: input.dateOfBirth, jurisdiction: decision.jurisdiction, source: 'age_gate' });
        if (joint) await this.recordChildAgreement(em, childId, decision, joint.source);
        await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), subjectId: childId, action: 'child.register', categories: ['account'], details: { jurisdiction: decision.jurisdiction, checkId: decision.id } });
        const workflowInput: ParentalConsentInput = {
          childId,
          parentEmail,
          childUsername: username,
          locale,
          notice,
          features: this.policy.policy.children.features.map((f) => ({ key: f.key, disclosure: f.disclosure })),
          expiry,
          reminderAt: Math.max(0, expiry - this.config.PARENTAL_CONSENT_REMINDER),
          confirmationDelay: this.config.EMAIL_PLUS_DELAY,
          revokeLinkTtl: this.config.PARENTAL_REVOKE_LINK_TTL,
          // The birthday (UTC midnight) on which the child reaches the threshold that applied at the gate.
          ageUpAt: birthdayOf(input.dateOfBirth, decision.threshold).toISOString(),
          threshold: decision.threshold,
          dashboardLinkTtl: PARENT_DASHBOARD_LINK_TTL,
          revokedRetention: this.config.PARENTAL_REVOKED_RETENTION,
          teenLinkTtl: this.config.TEEN_HANDOVER_LINK_TTL,
          ...(joint ? { jointConsent: true } : {}),
        };
        await this.runtime.startIn(em, { id: workflowId, machineId: PARENTAL_CONSENT_MACHINE, input: workflowInput as unknown as Record<string, unknown>, subjectId: childId }, { actorRole: 'anonymous', operation: 'registerChild', requestId: ctx.requestId, ip: ctx.ip });
        return { childId, status: 'pending_parental_consent' as const };
      });
    } catch (error) {
      // Two registrations racing for one username: the unique index decides, the loser is told plainly.
      if (isUniqueViolation(error)) return taken();
      throw error;
    }
  }

  /**
   * The age gate's decision a registration stands on. The gate's outcome is bound to the device and
   * to the email/username tried, so the registration must be the person it screened: the device's
   * decision asks for parental consent, the date of birth is the deciding one, and the username is
   * one the gate answered that decision for. When the gate was given no identifier, the decision is
   * bound to the device (and the date) only and any username is accepted: the registration can only
   * make a child's account that waits for a parent, the most protective outcome. Attempts are counted per device first, so neither
   * the date nor the username can be guessed, and a username that is not the bound one is refused
   * before anyone looks whether it is taken.
   */
  private async gateBinding(input: RegisterChildInput): Promise<AgeGateCheck | DomainError> {
    const guesses = await this.rateLimits.consume([{ key: RateLimitService.key('register-child:device', input.deviceId), rule: this.config.RATE_LIMIT_REGISTER_CHILD_DEVICE }]);
    if (guesses) return guesses;
    const decision = await this.ageGate.currentDecision(input.deviceId);
    if (!decision || decision.outcome !== 'parental_consent_required') {
      return new DomainError(ErrorCode.AGE_GATE_DECISION_MISSING, 'This device has no age check that asks for parental consent. Answer the age question first.');
    }
    const identifiers = await this.ageGate.identifierKeysAnsweredWith(input.deviceId, decision);
    if (identifiers.length && !identifiers.includes(this.ageGate.identifierKey(input.username))) {
      return new DomainError(ErrorCode.USERNAME_MISMATCH, 'The username is not the one given at the age question. Use that one, or answer the age question again with this username.');
    }
    if (decision.birthDateKey !== this.ageGate.birthDateKey(input.dateOfBirth)) {
      return new DomainError(ErrorCode.DATE_OF_BIRTH_MISMATCH, 'The date of birth is not the one given at the age question.');
    }
    return decision;
  }

  /** Joint consent (GDPR Art 8(1) as France implements it, LIL art. 45): the age and legal source, if the gate's decision is joint. */
  private jointConsent(decision: AgeGateCheck): { under: number; source: string } | undefined {
    if (!decision.jointConsent) return undefined;
    const rule = this.policy.jurisdictionByCode(decision.jurisdiction);
    return { under: rule.jointConsentUnder ?? decision.threshold, source: rule.citation };
  }

  /** The child's half of a joint consent: a record given by the child, with the age-gate check as evidence; the parent's record completes it. */
  private async recordChildAgreement(em: EntityManager, childId: string, decision: AgeGateCheck, source: string): Promise<void> {
    await this.consent.record(em, { subjectId: childId }, {
      purpose: 'child.collection',
      decision: 'granted',
      method: 'checkbox',
      givenBy: 'self',
      givenBySubjectId: childId,
      evidence: { ageGateCheckId: decision.id, jointConsent: true, awaits: 'parent', legalSource: source },
    });
  }

  /**
   * The parent dashboard's sign-in: a one-use link (PARENT_DASHBOARD_LINK_TTL) to the verified
   * parent email for each child whose consent is active, or revoked and not yet erased (COPPA
   * §312.6(a)(2): the parent may still review and have the data deleted). Always the same answer,
   * known or not, in the same time: the request only queues an address job (issue 11 §10); the
   * lookup and the links are the job's, after the answer.
   */
  async requestParentDashboard(ctx: CallContext, email: string): Promise<DomainError | true> {
    const parentEmail = normalizeEmail(email);
    const limited = await this.rateLimits.consume([
      { key: RateLimitService.key('parent-dashboard:email', mailboxKey(parentEmail)), rule: this.config.RATE_LIMIT_REGISTER_ACCOUNT },
      { key: RateLimitService.key('parent-dashboard:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_REGISTER_IP },
    ]);
    if (limited) return limited;
    await this.jobs.enqueue(PARENT_DASHBOARD_JOB, parentEmail, {}, ctx);
    return true;
  }

  /** The job: a dashboard link for each child of the address (none for an unknown address). */
  private async parentDashboardJob(em: EntityManager, parentEmail: string, ctx: CallContext): Promise<void> {
    const links = await em.findBy(GuardianLink, { parentEmail, status: In(PARENT_DASHBOARD_STATUSES) });
    for (const link of links) {
      await this.runtime.deliverIn(em, link.workflowId, { id: randomUUID(), type: 'parent.dashboard' }, { actorRole: 'guardian', operation: 'requestParentDashboard', requestId: ctx.requestId, ip: ctx.ip });
    }
  }

  /** A child account's status for the site's apps, with whether the settings await the teen's confirmation (the handover after the age-up). */
  async childAccount(ctx: CallContext, childId: string): Promise<ChildAccountState | DomainError> {
    return this.db.transaction(async (em) => {
      const link = await em.findOneBy(GuardianLink, { childId });
      const child = link && (await em.findOneBy(Subject, { id: childId }));
      if (!link || !child) return new DomainError(ErrorCode.NOT_FOUND, 'No child account with this id exists.');
      const workflow = await em.findOneBy(Workflow, { id: link.workflowId });
      const awaiting = workflow?.stateValue === 'awaiting_teen_confirmation';
      const due = awaiting ? await em.findOneBy(Timer, { workflowId: link.workflowId, name: 'teen-confirmation', status: 'pending' }) : null;
      await this.audit.append(em, { ...auditOrigin(ctx, staffRole(ctx.actor)), action: 'child.account.read', subjectId: childId, categories: ['account'], operation: 'childAccount' });
      return { childId, status: child.status, consentStatus: link.status, awaitingTeenConfirmation: awaiting, teenConfirmationDueAt: due?.fireAt ?? null };
    });
  }

  /**
   * Privacy staff's queue: parents who asked for disclosing features and wait for a stronger
   * verification, with what each returned (a signed form, a call request with its contact, or
   * nothing yet). Showing a call request's contact to staff is a read of the parent's data: audited.
   */
  async verificationQueue(ctx: CallContext = {}): Promise<VerificationCase[]> {
    return this.db.transaction(async (em) => {
      const rows = await em.find(Workflow, { where: { machineId: PARENTAL_CONSENT_MACHINE, stateValue: 'awaiting_stronger_verification', status: 'active' }, order: { updatedAt: 'ASC' } });
      const contexts = rows.map((w) => JSON.parse(w.snapshot).context as ParentalConsentContext);
      const ids = contexts.flatMap((c) => (c.evidence ? [c.evidence.id] : []));
      const evidence = ids.length ? await em.getRepository(ParentalEvidence).createQueryBuilder('e').where('e.id IN (:...ids)', { ids }).getMany() : [];
      const byId = new Map(evidence.map((e) => [e.id, e]));
      const cases: VerificationCase[] = [];
      for (const [i, w] of rows.entries()) {
        const context = contexts[i];
        const e = context.evidence ? byId.get(context.evidence.id) : undefined;
        if (e?.contact) {
          await this.audit.append(em, { ...auditOrigin(ctx, staffRole(ctx.actor)), subjectId: context.childId, action: 'parental_evidence.read', categories: ['account'], fields: ['contact', 'preferredTime'], operation: 'parentalVerificationQueue', details: { evidenceId: e.id, workflowId: w.id } });
        }
        cases.push({
          workflowId: w.id,
          childId: context.childId,
          requestedFeatures: context.requested,
          since: w.updatedAt,
          ...(e ? { evidence: { evidenceId: e.id, method: e.method, submittedAt: e.createdAt, contentType: e.contentType, byteSize: e.byteSize, contact: e.contact, preferredTime: e.preferredTime } } : {}),
        });
      }
      return cases;
    });
  }

  /** Staff approve or reject the disclosing features after verifying the parent by a stronger method (signed form, call, video). */
  async decideVerification(ctx: CallContext, workflowId: string, approve: boolean, note: string, method?: ParentVerificationMethod): Promise<{ workflowId: string; state: string } | DomainError> {
    const row = await this.db.manager.findOneBy(Workflow, { id: workflowId, machineId: PARENTAL_CONSENT_MACHINE });
    if (!row) return new DomainError(ErrorCode.NOT_FOUND, 'No parental-consent request with this id exists.');
    const result = await this.runtime.deliver(
      workflowId,
      // The method staff used (a call they made, the form they read); without it the machine records what the parent returned.
      { id: randomUUID(), type: approve ? 'staff.approve' : 'staff.reject', staffId: ctx.actor?.subjectId ?? '', note, ...(method ? { method } : {}) },
      { actorId: ctx.actor?.subjectId, actorRole: Role.STAFF, operation: 'decideParentalVerification', requestId: ctx.requestId, ip: ctx.ip },
    );
    if (isDomainError(result)) return result;
    return { workflowId, state: result.workflow.stateValue };
  }

  private readonly recordConsentEffect: EffectHandler = async (em, params, { workflow }) => {
    const p = params as unknown as RecordParentalConsentParams;
    const evidence = { workflowId: workflow.id, ...(p.staffId ? { verifiedBy: p.staffId } : {}), ...(p.note ? { note: p.note } : {}), ...(p.evidenceId ? { evidenceId: p.evidenceId } : {}), ...(isJoint(workflow) ? { jointConsent: true } : {}) };
    await this.consent.recordAll(em, { subjectId: p.childId }, p.purposes.map((purpose) => ({ purpose, decision: p.decision, method: p.method, givenBy: 'parent' as const, evidence })));
  };

  private readonly setGuardianStatusEffect: EffectHandler = async (em, params, { now }) => {
    const p = params as unknown as GuardianStatusParams;
    await em.update(GuardianLink, { childId: p.childId }, {
      status: p.status as GuardianLinkStatus,
      permissions: JSON.stringify(p.permissions),
      verificationMethod: p.verificationMethod,
      updatedAt: now,
      ...(p.status === 'active' ? { consentedAt: now } : {}),
      ...(await this.linkedAccountOfAddress(em, p.childId)),
    });
    if (p.status === 'active') await em.update(Subject, { id: p.childId }, { status: 'active', updatedAt: now });
  };

  /**
   * A parent who linked their own account (linkGuardianAccount) gets each further child of the same
   * address on that account once they have consented for it through the mailed link (the address is
   * proven again): the link of a sibling names the account. Nothing before consent.
   */
  private async linkedAccountOfAddress(em: EntityManager, childId: string): Promise<{ guardianAccountId?: string }> {
    const link = await em.findOneBy(GuardianLink, { childId });
    if (!link || link.guardianAccountId) return {};
    const sibling = await em.findOne(GuardianLink, { where: { parentEmail: link.parentEmail, guardianAccountId: Not(IsNull()) }, select: { guardianAccountId: true } });
    return sibling?.guardianAccountId ? { guardianAccountId: sibling.guardianAccountId } : {};
  }

  /**
   * Decline, no answer in time, the parent's deletion, or the end of the retention after a
   * revocation: the parent's email and everything about the child go (the audit keeps a pseudonymous
   * record), unless a legal hold keeps it for now (ChildErasureService: holds, webhooks, the parent's
   * dashboard subject, the confirmation mail).
   */
  private readonly eraseChildEffect: EffectHandler = async (em, params, { by }) => {
    await this.childErasure.erase(em, String(params.childId), params.reason as ChildErasureReason, { operation: by.operation ?? 'parental-consent' });
  };

  /** Consent revoked: the account is restricted and every child purpose is withdrawn. */
  private readonly restrictChildEffect: EffectHandler = async (em, params, { workflow }) => {
    await this.childErasure.restrict(em, String(params.childId), workflow.id);
  };

  /**
   * The child reached the local age of digital consent: the parent's link ends, and each granted
   * child purpose gets a record that it now stands on the teen's own account (givenBy system) until
   * the teen confirms or changes it.
   */
  private readonly ageUpChildEffect: EffectHandler = async (em, params, { workflow, now }) => {
    const childId = String(params.childId);
    await em.update(GuardianLink, { childId }, { status: 'aged_up', updatedAt: now });
    const granted = (await this.consent.state({ subjectId: childId }, this.consent.purposes().filter((p) => p.kind === 'child'), em)).filter((s) => s.granted);
    for (const s of granted) {
      await this.consent.record(em, { subjectId: childId }, { purpose: s.purpose.key, decision: 'granted', method: 'system', givenBy: 'system', evidence: { workflowId: workflow.id, reason: 'age_up', threshold: params.threshold } });
    }
    await this.audit.append(em, { actorRole: 'system', action: 'child.age_up', subjectId: childId, categories: ['account'], details: { threshold: params.threshold } });
  };

  /**
   * The teen's answer on the handover page: their own consent records (givenBy the subject, method
   * email_link): the account and each feature they kept or switched on, and a withdrawal of each
   * feature their parent had allowed and they switched off. Sale or sharing is not touched: it
   * stays the teen's separate opt-in (CCPA under 16, src/policy/age.ts TEEN_LIMITS).
   */
  private readonly recordTeenConsentEffect: EffectHandler = async (em, params, { workflow, by }) => {
    const p = params as unknown as RecordTeenConsentParams;
    const evidence = { workflowId: workflow.id, via: TEEN_HANDOVER_LINK };
    const record = (purpose: string, decision: 'granted' | 'withdrawn') => ({ purpose, decision, method: 'email_link' as const, givenBy: 'self' as const, givenBySubjectId: p.childId, evidence });
    await this.consent.recordAll(em, { subjectId: p.childId }, [
      ...['child.collection', ...p.granted.map((k) => `child.feature.${k}`)].map((purpose) => record(purpose, 'granted')),
      ...p.withdrawn.map((key) => record(`child.feature.${key}`, 'withdrawn')),
    ]);
    await this.audit.append(em, { actorId: p.childId, actorRole: Role.SUBJECT, ip: by.ip ?? null, requestId: by.requestId ?? null, action: 'child.teen_confirm', subjectId: p.childId, categories: ['preference'], details: { granted: p.granted, withdrawn: p.withdrawn } });
  };

  /** The handover link expired unanswered: the settings stay as they were (re-stated at age-up), and the audit says so. */
  private readonly teenConfirmationLapsedEffect: EffectHandler = async (em, params) => {
    await this.audit.append(em, { actorRole: 'system', action: 'child.teen_confirmation_lapsed', subjectId: String(params.childId), categories: ['preference'], details: { kept: params.features } });
  };

  /**
   * The teen's handover page (opened from the link the parent passes on): each setting their parent
   * chose, in plain words, to keep or change. Disclosing features may be switched on: the teen is at
   * the age of digital consent and consents for themselves.
   */
  private teenHandoverForm(): LinkForm {
    const features = this.policy.policy.children.features;
    const choices = ({ locale, context }: LinkFormView): LinkChoice[] => {
      const t = TEEN_TEXT[locale];
      const c = context as unknown as ParentalConsentContext;
      const allowed = new Set([...(c.granted ?? []), ...(c.verified ?? [])]);
      return features.map((f) => ({
        name: 'feature',
        value: f.key,
        label: f.name,
        hint: `${f.description} ${allowed.has(f.key) ? t.parentOn : t.parentOff}${f.disclosure ? ` ${t.visible}` : ''}`,
        checked: allowed.has(f.key),
      }));
    };
    return {
      choices,
      render: (view) => {
        const t = TEEN_TEXT[view.locale];
        const username = String((view.context as unknown as ParentalConsentContext).childUsername ?? '');
        return html`<p>${t.intro(username)}</p>
<fieldset><legend>${t.legend}</legend>
${choices(view).map((c) => html`<label><input type="checkbox" name="${c.name}" value="${c.value}"${c.checked ? new SafeHtml(' checked') : ''}><span><strong>${c.label}</strong><br><span class="muted">${c.hint}</span></span></label>\n`)}</fieldset>
<p class="muted">${t.noSale}</p>
<button type="submit" name="decision" value="confirm">${t.save}</button>`;
      },
      parse: (fields) => {
        const asked = fields.feature === undefined ? [] : Array.isArray(fields.feature) ? fields.feature : [fields.feature];
        if (asked.some((k) => !features.some((f) => f.key === k))) return undefined;
        return { features: [...new Set(asked)] };
      },
      done: (_payload, locale) => TEEN_TEXT[locale].done,
      incomplete: (locale) => TEEN_TEXT[locale].incomplete,
    };
  }

  /**
   * The parent dashboard page (COPPA §312.6): the child's actual data from the personal-data
   * registry, the feature permissions, and the buttons to save them, revoke consent or delete.
   */
  private dashboardForm(): LinkForm {
    const features = this.policy.policy.children.features;
    const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
    return {
      render: async ({ locale, context }) => {
        const t = DASHBOARD_TEXT[locale];
        const c = context as unknown as ParentalConsentContext;
        const holdings = await this.personalData.inventory(c.childId);
        const revoked = (await this.db.manager.findOneBy(GuardianLink, { childId: c.childId }))?.status === 'revoked';
        const data = html`<h2>${t.dataHeading}</h2>
${holdings.length ? holdings.map((h) => html`<h3>${h.name}</h3>\n<ul>${h.held.flatMap((rows) => rows.rows.flatMap((row) => Object.entries(row).map(([k, v]) => html`<li>${k}: ${value(v)}</li>`)))}</ul>\n`) : html`<p>${t.nothing}</p>`}`;
        // After a revocation only deletion is left: permissions cannot change, consenting again needs a new registration.
        if (revoked) return html`${data}\n<p>${t.revokedNote}</p>\n<button type="submit" name="action" value="delete">${t.delete}</button>`;
        const allowed = new Set([...(c.granted ?? []), ...(c.verified ?? [])]);
        const offered = features.filter((f) => !f.disclosure || allowed.has(f.key));
        const box = (key: string, name: string, hint: string) =>
          html`<label><input type="checkbox" name="feature" value="${key}"${allowed.has(key) ? new SafeHtml(' checked') : ''}><span><strong>${name}</strong><br><span class="muted">${hint}</span></span></label>\n`;
        return html`${data}
<fieldset><legend>${t.featuresHeading}</legend>
<p class="muted">${t.disclosingNote}</p>
${offered.map((f) => box(f.key, f.name, f.description))}</fieldset>
<button type="submit" name="action" value="permissions">${t.save}</button>
<button type="submit" name="action" value="revoke" class="secondary">${t.revoke}</button>
<button type="submit" name="action" value="delete" class="secondary">${t.delete}</button>`;
      },
      parse: (fields) => {
        const action = fields.action;
        if (action !== 'permissions' && action !== 'revoke' && action !== 'delete') return undefined;
        const asked = fields.feature === undefined ? [] : Array.isArray(fields.feature) ? fields.feature : [fields.feature];
        if (asked.some((k) => !features.some((f) => f.key === k))) return undefined;
        return { action, features: [...new Set(asked)] };
      },
      done: (payload, locale) => {
        const t = DASHBOARD_TEXT[locale];
        return payload.action === 'delete' ? t.doneDelete : payload.action === 'revoke' ? t.doneRevoke : t.donePermissions;
      },
      incomplete: (locale) => DASHBOARD_TEXT[locale].incomplete,
    };
  }

  /** The consent page: the direct notice, then (a) the account, (b) each feature, disclosing ones apart; or decline. */
  private consentForm(): LinkForm {
    const features = this.policy.policy.children.features;
    const T = FORM_TEXT;
    return {
      render: ({ locale, context }: LinkFormView): SafeHtml => {
        const t = T[locale];
        const notice = context.notice as DirectNotice;
        const plain = features.filter((f) => !f.disclosure);
        const disclosing = features.filter((f) => f.disclosure);
        const box = (name: string, value: string, label: string, hint: string) =>
          html`<label><input type="checkbox" name="${name}" value="${value}"><span><strong>${label}</strong><br><span class="muted">${hint}</span></span></label>\n`;
        return html`${notice.sections.map(
          (s) => html`<h2>${s.heading}</h2>\n${s.paragraphs.map((p) => html`<p>${p}</p>\n`)}${s.items.length ? html`<ul>${s.items.map((i) => html`<li>${i}</li>`)}</ul>\n` : ''}`,
        )}<fieldset><legend>${t.accountLegend}</legend>
${context.jointConsent ? html`<p>${t.joint}</p>\n` : ''}${box('account', 'yes', t.account, t.accountHint)}</fieldset>
${plain.length ? html`<fieldset><legend>${t.featuresLegend}</legend>\n${plain.map((f) => box('feature', f.key, f.name, f.description))}</fieldset>\n` : ''}${
          disclosing.length
            ? html`<fieldset><legend>${t.disclosureLegend}</legend>\n<p class="muted">${t.disclosureHint}</p>\n${disclosing.map((f) => box('feature', f.key, f.name, f.description))}</fieldset>\n`
            : ''
        }<button type="submit" name="decision" value="consent">${t.consent}</button>
<button type="submit" name="decision" value="decline" class="secondary">${t.decline}</button>`;
      },
      parse: (fields) => {
        const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
        const decision = fields.decision;
        if (decision === 'decline') return { decision: 'decline', features: [] };
        if (decision !== 'consent' || fields.account !== 'yes') return undefined;
        const asked = [...new Set(list(fields.feature))];
        if (asked.some((k) => !features.some((f) => f.key === k))) return undefined;
        return { decision: 'consent', features: asked };
      },
      done: (payload, locale: Locale) => {
        const t = T[locale];
        if (payload.decision === 'decline') return t.doneDecline;
        const disclosing = (payload.features as string[]).some((k) => features.find((f) => f.key === k)?.disclosure);
        return disclosing ? t.doneVerify : t.doneConsent;
      },
      incomplete: (locale) => T[locale].incomplete,
    };
  }
}

const DASHBOARD_TEXT: Record<Locale, Record<string, string>> = {
  en: {
    dataHeading: 'What we hold about your child',
    nothing: 'Nothing.',
    featuresHeading: 'Features you allow',
    disclosingNote: 'A feature that makes information visible can be switched off here; switching it on again needs our privacy team to verify you.',
    save: 'Save the features',
    revoke: 'Revoke consent (the account is restricted)',
    delete: 'Delete all of my child’s data',
    incomplete: 'Please choose one of the buttons. Nothing was changed.',
    donePermissions: 'Your choice of features is saved.',
    doneRevoke: 'Your consent is withdrawn. The account is restricted and collects nothing more.',
    doneDelete: 'We have deleted your child’s data and your email address, unless the law makes us keep them for now: the confirmation we emailed you says which.',
    revokedNote: 'You revoked your consent: the account is restricted and collects nothing. You can have everything deleted now; otherwise we delete it at the date in our email. To consent again, your child needs to register again.',
  },
  de: {
    dataHeading: 'Was wir über Ihr Kind speichern',
    nothing: 'Nichts.',
    featuresHeading: 'Funktionen, die Sie erlauben',
    disclosingNote: 'Eine Funktion, die Daten sichtbar macht, können Sie hier abschalten; sie wieder einzuschalten erfordert eine Prüfung durch unser Datenschutzteam.',
    save: 'Funktionen speichern',
    revoke: 'Einwilligung widerrufen (das Konto wird eingeschränkt)',
    delete: 'Alle Daten meines Kindes löschen',
    incomplete: 'Bitte wählen Sie eine der Schaltflächen. Es wurde nichts geändert.',
    donePermissions: 'Ihre Auswahl der Funktionen ist gespeichert.',
    doneRevoke: 'Ihre Einwilligung ist widerrufen. Das Konto ist eingeschränkt und erhebt nichts mehr.',
    doneDelete: 'Wir haben die Daten Ihres Kindes und Ihre E-Mail-Adresse gelöscht, außer das Gesetz verpflichtet uns, sie vorerst aufzubewahren: Die Bestätigung, die wir Ihnen gesendet haben, sagt es.',
    revokedNote: 'Sie haben Ihre Einwilligung widerrufen: Das Konto ist eingeschränkt und erhebt nichts. Sie können jetzt alles löschen lassen; sonst löschen wir es zu dem Datum in unserer E-Mail. Um erneut einzuwilligen, muss sich Ihr Kind neu registrieren.',
  },
};

const TEEN_TEXT: Record<Locale, { intro: (username: string) => string; legend: string; parentOn: string; parentOff: string; visible: string; noSale: string; save: string; done: string; incomplete: string }> = {
  en: {
    intro: (u) => `Hi ${u}! You are now old enough to decide about your own data. Until now your parent chose these settings for you. Tick what you want to keep on, untick what you want off. Nothing changes until you press the button.`,
    legend: 'Your settings',
    parentOn: 'Your parent had this on.',
    parentOff: 'Your parent had this off.',
    visible: 'If it is on, other people can see it.',
    noSale: 'None of this sells or shares your data with other companies. That only happens if you yourself say yes to it.',
    save: 'Save my settings',
    done: 'Your settings are saved. They are now your own choices.',
    incomplete: 'Something was wrong with the form. Nothing was changed: please try again.',
  },
  de: {
    intro: (u) => `Hallo ${u}! Du bist jetzt alt genug, selbst über deine Daten zu entscheiden. Bisher hat deine Mutter oder dein Vater diese Einstellungen für dich gewählt. Hake an, was an bleiben soll, und entferne den Haken bei dem, was aus sein soll. Es ändert sich nichts, bis du auf den Knopf drückst.`,
    legend: 'Deine Einstellungen',
    parentOn: 'Deine Eltern hatten das an.',
    parentOff: 'Deine Eltern hatten das aus.',
    visible: 'Wenn es an ist, können andere es sehen.',
    noSale: 'Nichts davon verkauft deine Daten oder gibt sie an andere Firmen weiter. Das passiert nur, wenn du selbst ja dazu sagst.',
    save: 'Meine Einstellungen speichern',
    done: 'Deine Einstellungen sind gespeichert. Es sind jetzt deine eigenen Entscheidungen.',
    incomplete: 'Mit dem Formular stimmte etwas nicht. Es wurde nichts geändert: Bitte versuche es noch einmal.',
  },
};

const FORM_TEXT: Record<Locale, Record<string, string>> = {
  en: {
    accountLegend: '(a) Your child’s account',
    account: 'I consent to the collection and use of my child’s information for the account, as described above.',
    accountHint: 'Required for the account. Nothing is shared with anyone.',
    joint: 'Your child has already agreed. This consent is joint: your consent completes it; without it, nothing happens.',
    featuresLegend: '(b) Features (optional, each on its own)',
    disclosureLegend: 'Features that make your child’s information visible to others (optional)',
    disclosureHint: 'These count as disclosure. For them we must verify you in a stronger way than email: our privacy team will contact you. Your consent to the account does not depend on them.',
    consent: 'Give consent',
    decline: 'Decline and delete the request',
    incomplete: 'To consent, tick (a). Or press “Decline”. Nothing was changed.',
    doneConsent: 'Thank you: your consent is recorded. In about a day you will receive an email confirming it, with a link to revoke it at any time. The account becomes active then.',
    doneVerify: 'Thank you: your consent to the account is recorded. The features that make information visible need a stronger check: we have sent you an email with a link where you can return a signed consent form or ask for a phone or video call. Our privacy team then verifies you.',
    doneDecline: 'You declined. We have deleted your email address and everything your child gave us.',
  },
  de: {
    accountLegend: '(a) Das Konto Ihres Kindes',
    account: 'Ich willige in die Erhebung und Nutzung der Daten meines Kindes für das Konto ein, wie oben beschrieben.',
    accountHint: 'Für das Konto erforderlich. Es wird nichts weitergegeben.',
    joint: 'Ihr Kind hat bereits zugestimmt. Die Einwilligung ist gemeinsam: Ihre Einwilligung vervollständigt sie; ohne sie geschieht nichts.',
    featuresLegend: '(b) Funktionen (freiwillig, jede einzeln)',
    disclosureLegend: 'Funktionen, die Daten Ihres Kindes für andere sichtbar machen (freiwillig)',
    disclosureHint: 'Diese gelten als Offenlegung. Dafür müssen wir Sie stärker als per E-Mail prüfen: Unser Datenschutzteam meldet sich bei Ihnen. Ihre Einwilligung in das Konto hängt nicht davon ab.',
    consent: 'Einwilligen',
    decline: 'Ablehnen und Anfrage löschen',
    incomplete: 'Um einzuwilligen, kreuzen Sie (a) an. Oder drücken Sie „Ablehnen“. Es wurde nichts geändert.',
    doneConsent: 'Danke: Ihre Einwilligung ist gespeichert. In etwa einem Tag erhalten Sie eine Bestätigung per E-Mail mit einem Link, um sie jederzeit zu widerrufen. Dann wird das Konto aktiv.',
    doneVerify: 'Danke: Ihre Einwilligung in das Konto ist gespeichert. Die Funktionen, die Daten sichtbar machen, brauchen eine stärkere Prüfung: Wir haben Ihnen eine E-Mail mit einem Link geschickt, über den Sie eine unterschriebene Einwilligungserklärung zurückgeben oder um einen Telefon- oder Videoanruf bitten können. Danach prüft unser Datenschutzteam Sie.',
    doneDecline: 'Sie haben abgelehnt. Wir haben Ihre E-Mail-Adresse und alles, was Ihr Kind uns mitgeteilt hat, gelöscht.',
  },
};

