import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { Role, type Actor } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { GuardianLink, Profile, Subject, Timer, Workflow } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import { PARENT_DASHBOARD_LINK, type ParentalConsentContext, type ParentDecideEvent } from '../../workflows/parental-consent/parental-consent.machine';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { ActionLinkService } from '../action-link/action-link.service';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import type { ConsentService } from '../consent/consent.service';
import { newSubjectRow } from '../identity/subject.service';
import type { IssuedSession, SessionService } from '../identity/session.service';
import type { PersonalDataService } from '../personal-data/personal-data.service';
import type { PolicyService } from '../policy.service';
import { setGuardianRole } from './child-erasure.service';
import { PARENT_DASHBOARD_STATUSES } from './parental-consent.service';

export interface GuardianChild {
  childId: string;
  username: string | null;
  /** The child account's status (pending_parental_consent, active, restricted). */
  status: string;
  /** The consent's status (pending, awaiting_verification, active, revoked, aged_up). */
  consentStatus: string;
  /** What the parent can still do: after a revocation only deletion (consenting again needs a new registration). */
  allowedActions: GuardianChildAction[];
  /** After a revocation: when the child's data will be erased unless the parent deletes it sooner (COPPA §312.10). */
  scheduledDeletionAt: Date | null;
  permissions: { feature: string; disclosure: boolean; granted: boolean }[];
  consents: { purpose: string; granted: boolean }[];
  data: { category: string; fields: { entity: string; name: string; value: string }[] }[];
}

export type GuardianChildAction = 'change_permissions' | 'revoke' | 'delete';
const ACTIONS_BY_STATUS: Record<string, GuardianChildAction[]> = { active: ['change_permissions', 'revoke', 'delete'], revoked: ['delete'] };

const valueText = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The parent dashboard for apps (COPPA §312.6): a parent signs in with the one-use dashboard link
 * mailed to the verified parent address (ParentalConsentService.requestParentDashboard) and gets a
 * session of a passwordless parent subject with only the `guardian` role. Their actions go to the
 * child's parental-consent workflow as the same `parent.decide` event the dashboard page sends, so
 * the rules (which features email plus may switch on, restriction, erasure) stay in the machine.
 */
export class GuardianService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    private readonly consent: ConsentService,
    private readonly personalData: PersonalDataService,
    private readonly audit: AuditService,
    private readonly runtime: WorkflowRuntime,
    private readonly links: ActionLinkService,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Uses a dashboard link (once) as a sign-in. The session belongs to the parent subject linked to
   * this parent address, created on first use. An existing account with the same email is never
   * reused: an email link must not open a password (and maybe MFA) protected account, and giving
   * guardian rights to an account that merely claims the address would hand the child's controls to
   * whoever holds its password.
   */
  async signIn(ctx: CallContext, token: string): Promise<IssuedSession | DomainError> {
    return this.links.redeem(token, ctx.ip ?? 'unknown', PARENT_DASHBOARD_LINK, async (em, row) => {
      const link = await em.findOneBy(GuardianLink, { workflowId: row.workflowId, status: In(PARENT_DASHBOARD_STATUSES) });
      if (!link) return new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, 'This link can no longer be used: the consent it belongs to has ended. Nothing was changed.');
      const parentId = await this.parentSubject(em, link.parentEmail, link.jurisdiction.slice(0, 2));
      const now = this.clock.now();
      await em.createQueryBuilder().update(GuardianLink).set({ parentSubjectId: parentId, updatedAt: now }).where({ parentEmail: link.parentEmail }).execute();
      await this.audit.append(em, { actorId: parentId, actorRole: Role.GUARDIAN, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null, action: 'guardian.sign_in', subjectId: parentId, categories: ['account'], operation: 'signInAsParent', details: { via: 'parent_dashboard_link' } });
      return this.sessions.issue(em, ctx, parentId, { password: false, secondFactor: false });
    });
  }

  private async parentSubject(em: EntityManager, parentEmail: string, country: string): Promise<string> {
    const linked = await em
      .getRepository(GuardianLink)
      .createQueryBuilder('g')
      .innerJoin(Subject, 's', 's.id = g.parentSubjectId')
      .where('g.parentEmail = :parentEmail', { parentEmail })
      .andWhere('s.erasedAt IS NULL')
      .select('g.parentSubjectId', 'id')
      .getRawOne<{ id: string }>();
    if (linked) return linked.id;
    // A parent subject we created earlier (no password, guardian only) whose links are gone: reuse it.
    const own = await em.findOneBy(Subject, { email: parentEmail });
    if (own && own.passwordHash === null && own.roles === Role.GUARDIAN && !own.erasedAt) return own.id;
    const id = randomUUID();
    const now = this.clock.now();
    await em.insert(Subject, newSubjectRow(now, {
      id,
      // The address is the parent's; if another account already uses it, a placeholder keeps the column unique.
      email: own ? `guardian+${id}@parents.invalid` : parentEmail,
      passwordHash: null,
      passwordChangedAt: null,
      status: 'active',
      roles: Role.GUARDIAN,
      displayName: 'Parent',
      locale: 'en',
      country,
    }));
    return id;
  }

  /**
   * Links the caller's own password account to a parent address (issue 5 §4: "or with their own
   * account, linked"). The proof is a one-use dashboard link, mailed only to the verified parent
   * address: an email match alone never grants anything (see signIn). From then on the account
   * holds the `guardian` role for every child of that address and acts with its own sessions, so its
   * password and two-factor protect the child's controls. Roles are read from the database on every
   * request: the caller's sessions gain the role at once, no new sign-in needed.
   *
   * The passwordless parent subject of that address (if the parent used dashboard links before)
   * keeps working: it is a separate column, nothing is merged. The mailed link stays the root of
   * trust of COPPA's verified parent, and a parent who loses the password must still be able to
   * revoke or delete; merging would also make signIn hand that link's session to the password
   * account. Linking again (from another account) moves the address to that account.
   */
  async linkAccount(ctx: CallContext, token: string): Promise<{ childIds: string[] } | DomainError> {
    const actor = ctx.actor as Actor;
    const account = await this.db.manager.findOneBy(Subject, { id: actor.subjectId });
    if (!account || !account.passwordHash || account.status !== 'active') return notEligible();
    return this.links.redeem(token, ctx.ip ?? 'unknown', PARENT_DASHBOARD_LINK, async (em, row) => {
      const link = await em.findOneBy(GuardianLink, { workflowId: row.workflowId, status: 'active' });
      if (!link) return new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, 'This link can no longer be used: the consent it belongs to has ended. Nothing was changed.');
      const links = await em.findBy(GuardianLink, { parentEmail: link.parentEmail });
      // A teen or child account never becomes the guardian of its own consent.
      if (links.some((l) => l.childId === account.id)) return notEligible();
      await em.update(GuardianLink, { parentEmail: link.parentEmail }, { guardianAccountId: account.id, updatedAt: this.clock.now() });
      await this.setGuardianRole(em, account.id, true);
      await this.auditAccountLink(em, ctx, 'guardian.account_link', account.id, links);
      return { childIds: links.map((l) => l.childId) };
    });
  }

  /** Unlinks the caller's own account from every parent address: the guardian role goes at once (roles are read per request). */
  async unlinkAccount(ctx: CallContext): Promise<{ childIds: string[] } | DomainError> {
    const actor = ctx.actor as Actor;
    return this.db.transaction(async (em) => {
      const links = await em.findBy(GuardianLink, { guardianAccountId: actor.subjectId });
      if (!links.length) return new DomainError(ErrorCode.NOT_FOUND, 'This account is not linked as a parent’s account.');
      await em.update(GuardianLink, { guardianAccountId: actor.subjectId }, { guardianAccountId: null, updatedAt: this.clock.now() });
      await this.setGuardianRole(em, actor.subjectId, false);
      await this.auditAccountLink(em, ctx, 'guardian.account_unlink', actor.subjectId, links);
      return { childIds: links.map((l) => l.childId) };
    });
  }

  /** The links a signed-in guardian acts on: as the passwordless parent subject, or as a linked own account. */
  private linksOf(subjectId: string) {
    return [{ parentSubjectId: subjectId }, { guardianAccountId: subjectId }];
  }

  private setGuardianRole(em: EntityManager, accountId: string, granted: boolean): Promise<void> {
    return setGuardianRole(em, accountId, granted, this.clock.now());
  }

  /** One audit event on the account (its roles changed) and one on each child (who controls it changed). */
  private async auditAccountLink(em: EntityManager, ctx: CallContext, action: string, accountId: string, links: GuardianLink[]): Promise<void> {
    const operation = action === 'guardian.account_link' ? 'linkGuardianAccount' : 'unlinkGuardianAccount';
    await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action, subjectId: accountId, categories: ['account'], fields: ['roles'], operation, details: { children: links.length } });
    for (const link of links) await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action, subjectId: link.childId, categories: ['account'], operation });
  }

  /** The signed-in parent's children with their permissions, consents and actual data; each child's review is audited as a read. */
  async children(ctx: CallContext): Promise<GuardianChild[]> {
    const actor = ctx.actor as Actor;
    return this.db.transaction(async (em) => {
      const links = await em.find(GuardianLink, { where: this.linksOf(actor.subjectId), order: { createdAt: 'ASC' } });
      const out: GuardianChild[] = [];
      for (const link of links) out.push(await this.view(em, ctx, link));
      return out;
    });
  }

  private async view(em: EntityManager, ctx: CallContext, link: GuardianLink): Promise<GuardianChild> {
    const childId = link.childId;
    const [child, profile, context, retention] = await Promise.all([
      em.findOneBy(Subject, { id: childId }),
      em.findOneBy(Profile, { subjectId: childId }),
      this.context(em, link.workflowId),
      em.findOneBy(Timer, { workflowId: link.workflowId, name: 'retention', status: 'pending' }),
    ]);
    const allowed = new Set([...(context?.granted ?? []), ...(context?.verified ?? [])]);
    const consents = await this.consent.state({ subjectId: childId }, this.consent.purposes().filter((p) => p.kind === 'child'), em);
    const holdings = await this.personalData.inventory(childId, em);
    await this.audit.append(em, {
      ...auditOrigin(ctx, Role.GUARDIAN),
      action: 'guardian.child.read',
      subjectId: childId,
      categories: holdings.map((h) => h.category),
      operation: 'guardian',
    });
    return {
      childId,
      username: profile?.username ?? null,
      status: child?.status ?? 'erased',
      consentStatus: link.status,
      allowedActions: ACTIONS_BY_STATUS[link.status] ?? [],
      scheduledDeletionAt: retention?.fireAt ?? null,
      permissions: this.policy.policy.children.features.map((f) => ({ feature: f.key, disclosure: f.disclosure, granted: allowed.has(f.key) })),
      consents: consents.map((s) => ({ purpose: s.purpose.key, granted: s.granted })),
      data: holdings.map((h) => ({
        category: h.category,
        fields: h.held.flatMap((held) => held.rows.flatMap((row) => Object.entries(row).map(([name, value]) => ({ entity: held.entity, name, value: valueText(value) })))),
      })),
    };
  }

  private async context(em: EntityManager, workflowId: string): Promise<ParentalConsentContext | undefined> {
    const row = await em.findOneBy(Workflow, { id: workflowId });
    return row ? (JSON.parse(row.snapshot) as { context: ParentalConsentContext }).context : undefined;
  }

  /**
   * Switches one feature on or off. Non-disclosing features freely; a disclosing one only off (or
   * on again if privacy staff already verified it): switching it on needs the stronger verification
   * of the consent page, so it is a typed error here and nothing is written.
   */
  async setChildFeature(ctx: CallContext, childId: string, feature: string, granted: boolean): Promise<GuardianChild | DomainError> {
    const def = this.policy.policy.children.features.find((f) => f.key === feature);
    if (!def) return new DomainError(ErrorCode.UNKNOWN_CHILD_FEATURE, `There is no feature ${feature} for children's accounts.`);
    const result = await this.decide(ctx, childId, 'guardian.child.feature', { feature, granted }, (context) => {
      const allowed = new Set([...context.granted, ...context.verified]);
      if (granted && def.disclosure && !context.verified.includes(feature)) {
        return new DomainError(ErrorCode.FEATURE_NEEDS_VERIFICATION, 'This feature makes your child’s information visible to others: we must verify you in a stronger way than email first. Ask for it on the consent page; our privacy team will contact you.');
      }
      if (granted) allowed.add(feature);
      else allowed.delete(feature);
      return { action: 'permissions', features: [...allowed] };
    });
    return result as GuardianChild | DomainError;
  }

  /** Revokes consent: the child account is restricted and every child purpose withdrawn (the page's revoke). */
  async revokeChildConsent(ctx: CallContext, childId: string): Promise<GuardianChild | DomainError> {
    return (await this.decide(ctx, childId, 'guardian.child.revoke', {}, () => ({ action: 'revoke' }))) as GuardianChild | DomainError;
  }

  /**
   * Erases the child's data and the parent's address through the registry (the page's delete); with
   * the parent's last child, the passwordless parent subject and its sessions too, and the parent is
   * mailed a confirmation (ChildErasureService). A legal hold on the child keeps it all for now:
   * `keptForLegalHold`, and the erasure runs when the hold is released.
   */
  async deleteChildData(ctx: CallContext, childId: string): Promise<{ childId: string; keptForLegalHold: boolean } | DomainError> {
    const result = await this.decide(ctx, childId, 'guardian.child.delete', {}, () => ({ action: 'delete' }), false);
    if (isDomainError(result)) return result;
    return { childId, keptForLegalHold: result === 'held' };
  }

  private async decide(
    ctx: CallContext,
    childId: string,
    action: string,
    details: Record<string, unknown>,
    event: (context: ParentalConsentContext) => Omit<ParentDecideEvent, 'type'> | DomainError,
    viewAfter = true,
  ): Promise<GuardianChild | DomainError | 'erased' | 'held'> {
    const actor = ctx.actor as Actor;
    try {
      return await this.db.transaction(async (em) => {
        const link = await em.findOne(GuardianLink, { where: this.linksOf(actor.subjectId).map((w) => ({ ...w, childId })) });
        if (!link) throw new Refused(new DomainError(ErrorCode.NOT_FOUND, 'You have no child with this id.'));
        // After a revocation only deletion is left (the machine refuses the rest too); said plainly first.
        if (link.status === 'revoked' && action !== 'guardian.child.delete') {
          throw new Refused(new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, 'You revoked your consent: the account is restricted, and only deleting the data is possible. To consent again, your child needs to register again.'));
        }
        const context = await this.context(em, link.workflowId);
        const decided = context ? event(context) : new DomainError(ErrorCode.WORKFLOW_EVENT_NOT_ACCEPTED, 'This consent has ended.');
        if (isDomainError(decided)) throw new Refused(decided);
        // Audited before the event: a deletion then pseudonymizes this row with the child's others.
        await this.audit.append(em, { ...auditOrigin(ctx, Role.GUARDIAN), action, subjectId: childId, categories: ['preference'], operation: 'guardian', details });
        const delivered = await this.runtime.deliverIn(em, link.workflowId, { id: randomUUID(), type: 'parent.decide', ...decided }, { actorId: actor.subjectId, actorRole: Role.GUARDIAN, operation: action, requestId: ctx.requestId, ip: ctx.ip });
        if (isDomainError(delivered)) throw new Refused(delivered);
        // A deletion: the effect erased the child (and the link), or a legal hold keeps it all (erasure_held).
        if (!viewAfter) return (await em.existsBy(GuardianLink, { childId, status: 'erasure_held' })) ? 'held' : 'erased';
        const after = await em.findOneByOrFail(GuardianLink, { id: link.id });
        return this.view(em, ctx, after);
      });
    } catch (error) {
      if (error instanceof Refused) return error.result;
      throw error;
    }
  }
}

const notEligible = () =>
  new DomainError(ErrorCode.GUARDIAN_ACCOUNT_NOT_ELIGIBLE, 'Only your own active account with a password can be linked as a parent’s account, and never to your own consent. Nothing was changed.');

/** Rolls the transaction back and carries the typed refusal out of it. */
class Refused extends Error {
  constructor(readonly result: DomainError) {
    super(result.message);
  }
}
