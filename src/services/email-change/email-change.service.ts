import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { Subject, Workflow } from '../../entities';
import type { DomainError } from '../../errors';
import type { EmailChangeInput } from '../../workflows/email-change/email-change.machine';
import type { Caller } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { CallContext } from '../call-context';
import { normalizeEmail, SessionService } from '../identity/session.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';

/** The password must have been proved this recently to ask for an email change. */
export const EMAIL_CHANGE_PASSWORD_MAX_AGE_MS = 15 * 60_000;

export interface EmailChangeRequested {
  sentTo: string;
  expiresAt: Date;
}

/**
 * Starts the email-change workflow for the signed-in subject: a single-use link to the new address;
 * the email changes (SubjectService.changeEmail, as the workflow's changeEmail effect) only when the
 * link is used before it expires. A newer request cancels the older ones. The answer is the same
 * whether or not another account uses the address (that is checked when the link is used).
 */
export class EmailChangeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly sessions: SessionService,
    private readonly runtime: WorkflowRuntime,
    private readonly rateLimits: RateLimitService,
  ) {}

  async request(ctx: CallContext, newEmail: string): Promise<EmailChangeRequested | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const stale = this.sessions.requireRecent(ctx, 'password', EMAIL_CHANGE_PASSWORD_MAX_AGE_MS);
    if (stale) return stale;
    // Each request mails an address the caller chooses: bounded per account.
    const limited = await this.rateLimits.consume([{ key: RateLimitService.key('email_change:account', actor.subjectId), rule: this.config.RATE_LIMIT_EMAIL_CHANGE_ACCOUNT }]);
    if (limited) return limited;
    const email = normalizeEmail(newEmail);
    const by: Caller = { actorId: actor.subjectId, actorRole: 'subject', requestId: ctx.requestId, ip: ctx.ip, operation: 'requestEmailChange' };
    return this.db.transaction(async (em) => {
      const subject = await em.findOneByOrFail(Subject, { id: actor.subjectId });
      const open = await em.findBy(Workflow, { subjectId: subject.id, machineId: 'email-change', status: 'active' });
      const input: EmailChangeInput = { subjectId: subject.id, oldEmail: subject.email, newEmail: email, locale: subject.locale, ttl: this.config.EMAIL_CHANGE_LINK_TTL };
      const workflow = await this.runtime.startIn(em, { machineId: 'email-change', input: { ...input }, subjectId: subject.id }, by);
      for (const older of open) await this.runtime.deliverIn(em, older.id, { id: `superseded-by:${workflow.id}`, type: 'email.cancel' }, by);
      return { sentTo: email, expiresAt: new Date(this.clock.now().getTime() + this.config.EMAIL_CHANGE_LINK_TTL) };
    });
  }
}
