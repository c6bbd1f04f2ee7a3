import type { EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import { GuardianLink, Subject, Workflow, type ChildErasureReason, type LegalHold } from '../../entities';
import type { OutboxService } from '../../mail/outbox.service';
import type { ParentalConsentContext } from '../../workflows/parental-consent/parental-consent.machine';
import type { AuditService } from '../audit/audit.service';
import type { CallContext } from '../call-context';
import type { ConsentService } from '../consent/consent.service';
import { rolesOf } from '../identity/session.service';
import type { HeldWork, LegalHoldService } from '../legal-hold/legal-hold.service';
import type { PersonalDataService } from '../personal-data/personal-data.service';
import type { PolicyService } from '../policy.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';

/** The mail that tells the parent their child's data is deleted (or kept for now by a legal hold). */
export const PARENTAL_DATA_DELETED_TEMPLATE = 'parental-data-deleted';
/** Erasures the parent is told of by mail: the ones they asked for, or were given the date of. */
const MAILED: readonly ChildErasureReason[] = ['parent_request', 'retention_ended'];

export interface ChildErasureDeps {
  clock: Clock;
  policy: PolicyService;
  audit: AuditService;
  consent: ConsentService;
  personalData: PersonalDataService;
  recipientNotices: RecipientNoticeService;
  outbox: OutboxService;
  legalHolds: LegalHoldService;
}

/** Where the erasure was asked from (the workflow's delivery, or staff releasing a hold). */
export interface ErasureOrigin {
  operation: string;
}

/** Adds or removes `guardian` in the account's roles column (SessionService reads it on every request). */
export async function setGuardianRole(em: EntityManager, accountId: string, granted: boolean, now: Date): Promise<void> {
  const account = await em.findOneByOrFail(Subject, { id: accountId });
  const roles = new Set(rolesOf(account));
  if (granted) roles.add(Role.GUARDIAN);
  else roles.delete(Role.GUARDIAN);
  await em.update(Subject, { id: accountId }, { roles: Object.values(Role).filter((r) => roles.has(r)).join(','), updatedAt: now });
}

/**
 * Every erasure of a child's data (the parent declined, never answered, asked for it on the
 * dashboard or through `deleteChildData`, or the retention after a revocation ended), in the
 * transaction of the step that decided it:
 *
 * - Legal holds are honoured exactly like the adult erasure: a hold on the child keeps everything.
 *   The account is restricted (any consent still granted is withdrawn: processing stops), the
 *   guardian link says `erasure_held` with the reason, staff see it on the hold (`waiting`), the
 *   parent is told when they asked for the deletion or were promised its date, and the erasure runs
 *   when the child's last hold is released.
 * - The erasure goes through the personal-data registry, then every recipient subscribed to
 *   `erasure` gets a signed notice (the outbox row is detached from the child, so it outlives it).
 * - The parent's passwordless dashboard subject (made by signInAsParent: guardian role only, no
 *   password) and its sessions go with its last child (COPPA §312.5(c)(1): the address was collected
 *   for the child only), unless a hold is on it; a linked password account is the parent's own and
 *   stays, losing the guardian role with its last child.
 * - The parent gets one last mail: the deletion confirmation, queued detached from every subject and
 *   marked to forget its address once sent (or dead): see OutboxService.
 */
export class ChildErasureService implements HeldWork {
  constructor(private readonly deps: ChildErasureDeps) {}

  install(): this {
    this.deps.legalHolds.registerHeldWork(this);
    return this;
  }

  /** Erases the child now, or keeps everything while a legal hold is in force. Answers which happened. */
  async erase(em: EntityManager, childId: string, reason: ChildErasureReason, origin: ErasureOrigin): Promise<'erased' | 'held'> {
    const link = await em.findOneBy(GuardianLink, { childId });
    const holds = await this.deps.legalHolds.inForce(em, childId);
    if (holds.length) {
      await this.hold(em, childId, reason, link, holds, origin);
      return 'held';
    }
    await this.eraseNow(em, childId, reason, link, { afterHold: false });
    return 'erased';
  }

  /**
   * Consent revoked (or a deletion held): the account is restricted, every child purpose still
   * granted is withdrawn by the parent, and the link says revoked.
   */
  async restrict(em: EntityManager, childId: string, workflowId: string): Promise<void> {
    const now = this.deps.clock.now();
    await em.update(Subject, { id: childId }, { status: 'restricted', updatedAt: now });
    await em.update(GuardianLink, { childId }, { status: 'revoked', updatedAt: now });
    const { consent } = this.deps;
    const granted = (await consent.state({ subjectId: childId }, consent.purposes().filter((p) => p.kind === 'child'), em)).filter((s) => s.granted);
    await consent.recordAll(em, { subjectId: childId }, granted.map((s) => ({ purpose: s.purpose.key, decision: 'withdrawn' as const, method: 'email_link' as const, givenBy: 'parent' as const, evidence: { workflowId } })));
  }

  /** HeldWork: what the holds on this subject keep waiting. */
  async waiting(em: EntityManager, subjectId: string): Promise<string[]> {
    const link = await em.findOneBy(GuardianLink, { childId: subjectId, status: 'erasure_held' });
    if (link) return [`child_erasure:${link.heldErasure}`];
    return (await this.orphanParent(em, subjectId)) ? ['guardian_erasure'] : [];
  }

  /** HeldWork: the subject's last hold was released: run the child erasure (or the parent subject's) it kept waiting. */
  async released(em: EntityManager, subjectId: string, _ctx: CallContext): Promise<void> {
    const link = await em.findOneBy(GuardianLink, { childId: subjectId, status: 'erasure_held' });
    if (link) {
      await this.eraseNow(em, subjectId, link.heldErasure ?? 'parent_request', link, { afterHold: true });
      return;
    }
    const parent = await this.orphanParent(em, subjectId);
    if (parent) await this.eraseParent(em, parent);
  }

  private async hold(em: EntityManager, childId: string, reason: ChildErasureReason, link: GuardianLink | null, holds: LegalHold[], origin: ErasureOrigin): Promise<void> {
    const now = this.deps.clock.now();
    const child = await em.findOneBy(Subject, { id: childId });
    // Kept is not used: an account that was active stops (a deletion asked for includes the revocation).
    if (child && link && child.status !== 'pending_parental_consent' && child.status !== 'erased') await this.restrict(em, childId, link.workflowId);
    await em.update(GuardianLink, { childId }, { status: 'erasure_held', heldErasure: reason, updatedAt: now });
    const reasons = [...new Set(holds.map((h) => h.reason))];
    await this.deps.audit.append(em, { actorRole: 'system', action: 'child.erasure_held', subjectId: childId, categories: ['account'], operation: origin.operation, details: { reason, holds: reasons } });
    if (link && MAILED.includes(reason)) {
      const context = await this.contextOf(em, link.workflowId);
      const view = this.deps.policy.view();
      const kept = reasons.map((r) => {
        const exception = view.retentionExceptions.find((x) => x.key === r);
        return exception ? `${exception.name}: ${exception.description}` : r;
      });
      // Tied to the child: the held erasure deletes it with the rest when it runs.
      await this.deps.outbox.enqueueEmail(em, {
        to: link.parentEmail,
        template: PARENTAL_DATA_DELETED_TEMPLATE,
        locale: context?.locale ?? 'en',
        params: { childUsername: context?.childUsername ?? '', reason, held: true, kept },
        subjectId: childId,
      });
    }
  }

  private async eraseNow(em: EntityManager, childId: string, reason: ChildErasureReason, link: GuardianLink | null, how: { afterHold: boolean }): Promise<void> {
    const { personalData, recipientNotices, outbox } = this.deps;
    const context = link ? await this.contextOf(em, link.workflowId) : undefined;
    const parentSignedIn = !!link?.parentSubjectId;
    await personalData.erase(em, childId, `parental-consent.${reason}`);
    await recipientNotices.notify(em, 'erasure', { subjectId: childId, data: { scope: 'account', categories: null, reason }, detachFromSubject: true });
    const parentErased = link ? await this.afterChildErased(em, link) : false;
    if (link && MAILED.includes(reason)) {
      // The last mail to the address: detached from every subject (the erasures above do not delete
      // it) and forgotten once sent or given up (recipient "[erased]", parameters dropped).
      await outbox.enqueueEmail(em, {
        to: link.parentEmail,
        template: PARENTAL_DATA_DELETED_TEMPLATE,
        locale: context?.locale ?? 'en',
        params: {
          childUsername: context?.childUsername ?? '',
          reason,
          afterHold: how.afterHold,
          signedOut: parentSignedIn && parentErased,
          // Another child of the same address keeps it (and the parent's sign-in) for that child.
          addressKept: await em.existsBy(GuardianLink, { parentEmail: link.parentEmail }),
        },
        subjectId: null,
        forgetRecipientWhenSent: true,
      });
    }
  }

  /** After the child's erasure (its links are gone): the parent subject with its last child, the linked account's role with its last child. */
  private async afterChildErased(em: EntityManager, link: GuardianLink): Promise<boolean> {
    let parentErased = false;
    if (link.parentSubjectId) {
      const parent = await this.orphanParent(em, link.parentSubjectId);
      if (parent) {
        if ((await this.deps.legalHolds.inForce(em, parent.id)).length) {
          await this.deps.audit.append(em, { actorRole: 'system', action: 'guardian.erasure_held', subjectId: parent.id, categories: ['account'], operation: 'guardian.last_child_deleted' });
        } else {
          await this.eraseParent(em, parent);
          parentErased = true;
        }
      }
    }
    const accountId = link.guardianAccountId;
    if (accountId && !(await em.existsBy(GuardianLink, { guardianAccountId: accountId }))) await setGuardianRole(em, accountId, false, this.deps.clock.now());
    return parentErased;
  }

  /**
   * The passwordless parent subject signInAsParent made, when it guards no child any more. Anything
   * else (a password, another role, an erased subject, a remaining child) is not ours to erase.
   */
  private async orphanParent(em: EntityManager, subjectId: string): Promise<Subject | null> {
    const parent = await em.findOneBy(Subject, { id: subjectId });
    if (!parent || parent.erasedAt || parent.status === 'erased' || parent.passwordHash !== null || parent.roles !== Role.GUARDIAN) return null;
    return (await em.existsBy(GuardianLink, { parentSubjectId: subjectId })) ? null : parent;
  }

  /** Erases the parent subject through the registry (its sessions are deleted with it) and tells the recipients. */
  private async eraseParent(em: EntityManager, parent: Subject): Promise<void> {
    await this.deps.personalData.erase(em, parent.id, 'guardian.last_child_deleted');
    await this.deps.recipientNotices.notify(em, 'erasure', { subjectId: parent.id, data: { scope: 'account', categories: null, reason: 'guardian_without_children' }, detachFromSubject: true });
  }

  private async contextOf(em: EntityManager, workflowId: string): Promise<ParentalConsentContext | undefined> {
    const row = await em.findOneBy(Workflow, { id: workflowId });
    return row ? (JSON.parse(row.snapshot) as { context: ParentalConsentContext }).context : undefined;
  }
}
