import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { Subject } from '../../entities';
import { DomainError, ErrorCode, isDomainError } from '../../errors';
import type { OutboxService } from '../../mail/outbox.service';
import { html } from '../../util/html';
import type { Locale } from '../../util/locale';
import { mailboxKey, normalizeEmail } from '../../util/email';
import { REGISTRATION_LINK, type CreateAccountParams, type RegistrationInput } from '../../workflows/registration/registration.machine';
import type { Caller, EffectContext, LinkForm } from '../../workflows/runtime/workflow-registry';
import type { WorkflowRuntime } from '../../workflows/runtime/workflow-runtime';
import type { ActionLinkService } from '../action-link/action-link.service';
import type { AddressJobService } from '../address-job/address-job.service';
import type { AuditService } from '../audit/audit.service';
import type { CallContext } from '../call-context';
import { ipGroup } from '../../util/ip-group';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { PasswordHasher } from './password-hasher';
import { PASSWORD_MAX_LENGTH } from './password-policy';
import type { IssuedSession, SessionService } from './session.service';
import { isUniqueViolation, type RegisterInput, type SubjectService } from './subject.service';

export const REGISTRATION_JOB = 'registration';

export interface RegistrationPending {
  /** The address the mail goes to (its canonical form). */
  sentTo: string;
}

const FORM_TEXT: Record<Locale, { label: string; button: string; wrong: string; incomplete: string }> = {
  en: { label: 'Your password', button: 'Create my account', wrong: 'That is not the password you chose when you signed up. Try again.', incomplete: 'Enter the password you chose when you signed up.' },
  de: { label: 'Ihr Passwort', button: 'Konto anlegen', wrong: 'Das ist nicht das Passwort, das Sie bei der Anmeldung gewählt haben. Versuchen Sie es noch einmal.', incomplete: 'Geben Sie das Passwort ein, das Sie bei der Anmeldung gewählt haben.' },
};

/**
 * Registration without an enumeration oracle (issue 11 §10). `registerSubject` answers the same
 * for every address, in the same time: it checks the input, limits, hashes the password and queues
 * one `registration` address job, nothing else. The job (after the answer, in the outbox worker)
 * looks the address up: an address with an account gets the `account-exists` mail (and the owner
 * an audit entry); any other starts the `registration` workflow, whose mail carries a one-use link.
 * The account is created when the link is used with the password chosen at registration, on the
 * link's page or with `confirmRegistration` (which also signs in). A session is never handed out
 * for an address that was not proved, and nobody can set the password of an account for an address
 * they do not read: the password was set by whoever registered, the link by whoever reads the mail,
 * and both are needed.
 */
export class RegistrationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionService,
    private readonly subjects: SubjectService,
    private readonly outbox: OutboxService,
    private readonly runtime: WorkflowRuntime,
    private readonly links: ActionLinkService,
    private readonly jobs: AddressJobService,
  ) {
    jobs.register(REGISTRATION_JOB, (em, job) => this.registrationJob(em, job.address, job.params, job.ctx));
    runtime.registry.registerEffect('createAccount', (em, params, ctx) => this.createAccount(em, params as unknown as CreateAccountParams, ctx));
    runtime.registry.registerForm(REGISTRATION_LINK, this.passwordForm());
  }

  /** The request: the same answer, statements and work for any address (the lookup is the job's). */
  async register(ctx: CallContext, input: RegisterInput): Promise<RegistrationPending | DomainError> {
    const email = normalizeEmail(input.email);
    const limited = await this.rateLimits.consume([
      { key: RateLimitService.key('register:account', mailboxKey(email)), rule: this.config.RATE_LIMIT_REGISTER_ACCOUNT },
      { key: RateLimitService.key('register:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_REGISTER_IP },
    ]);
    if (limited) return limited;
    const weak = this.subjects.weakPassword(input.password, { email, displayName: input.displayName });
    if (weak) return weak;
    const passwordHash = await this.hasher.hash(input.password);
    await this.jobs.enqueue(REGISTRATION_JOB, email, { passwordHash, displayName: input.displayName.trim(), locale: input.locale, country: input.country.toUpperCase() }, ctx);
    return { sentTo: email };
  }

  /** The job: tell an existing account's owner, or start the confirmation of a new one. */
  private async registrationJob(em: EntityManager, email: string, params: Record<string, unknown>, ctx: CallContext): Promise<void> {
    const existing = await em.getRepository(Subject).findOne({ where: { email }, select: { id: true, locale: true } });
    if (existing) {
      await this.outbox.enqueueEmail(em, { to: email, template: 'account-exists', locale: existing.locale, params: {}, subjectId: existing.id });
      await this.audit.append(em, { actorId: null, actorRole: 'anonymous', requestId: ctx.requestId ?? null, ip: ctx.ip ?? null, action: 'account.registration_refused', subjectId: existing.id, categories: ['account'], operation: 'registerSubject', details: { reason: 'email_taken' } });
      return;
    }
    const subjectId = randomUUID();
    // The person registering acts on their own future account: an erasure then clears their IP from these entries too.
    const by: Caller = { actorId: subjectId, actorRole: Role.SUBJECT, operation: 'registerSubject', requestId: ctx.requestId, ip: ctx.ip };
    const input: RegistrationInput = {
      subjectId,
      email,
      passwordHash: String(params.passwordHash),
      displayName: String(params.displayName),
      locale: String(params.locale),
      country: String(params.country),
      ttl: this.config.REGISTRATION_LINK_TTL,
    };
    await this.runtime.startIn(em, { machineId: 'registration', subjectId, input: { ...input } }, by);
  }

  /** The workflow's effect when its link is used: the account, as registered. Another account with the address meanwhile: refused, nothing written. */
  private async createAccount(em: EntityManager, p: CreateAccountParams, { by }: EffectContext): Promise<true | DomainError> {
    const taken = () => new DomainError(ErrorCode.EMAIL_TAKEN, 'An account with this email address exists already: sign in with it instead.');
    if (await em.existsBy(Subject, { email: p.email })) return taken();
    try {
      await this.subjects.insertAccount(em, {
        id: p.subjectId,
        email: p.email,
        passwordHash: p.passwordHash,
        passwordChangedAt: this.clock.now(),
        roles: Role.SUBJECT,
        displayName: p.displayName,
        locale: p.locale,
        country: p.country,
      });
    } catch (error) {
      if (isUniqueViolation(error)) return taken();
      throw error;
    }
    await this.audit.append(em, {
      requestId: by.requestId ?? null,
      ip: by.ip ?? null,
      actorId: p.subjectId,
      actorRole: Role.SUBJECT,
      action: 'account.create',
      subjectId: p.subjectId,
      categories: ['account', 'preference', 'service'],
      fields: ['email', 'displayName', 'locale', 'country', 'passwordHash'],
      operation: by.operation ?? 'registerSubject',
    });
    return true;
  }

  /**
   * Apps: uses the registration link with the password chosen at registration; the account is
   * created and signed in (a session that proved the password and the address).
   */
  async confirm(ctx: CallContext, token: string, password: string, deviceName?: string): Promise<IssuedSession | DomainError> {
    const limited = await this.rateLimits.consume([{ key: RateLimitService.key('sign_in:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_SIGN_IN_IP }]);
    if (limited) return limited;
    const client = ctx.ip ?? 'unknown';
    const preview = await this.links.preview(token, client);
    if (isDomainError(preview)) return preview;
    if (preview.purpose !== REGISTRATION_LINK) return new DomainError(ErrorCode.ACTION_TOKEN_INVALID, 'This link is not a sign-up link.', { reason: 'unknown' });
    const context = (await this.links.workflowContext(preview)) as unknown as RegistrationInput;
    if (!(await this.hasher.verify(password, context.passwordHash || null))) {
      await this.links.recordWrongAttempt(token);
      return new DomainError(ErrorCode.INVALID_CREDENTIALS, 'That is not the password you chose when you signed up.');
    }
    const used = await this.links.confirm(token, client, { actorId: context.subjectId, actorRole: Role.SUBJECT, operation: 'confirmRegistration', requestId: ctx.requestId, ip: ctx.ip });
    if (isDomainError(used)) return used;
    return this.db.transaction((em) => this.sessions.issue(em, ctx, context.subjectId, { password: true, secondFactor: false, deviceName }));
  }

  /** The link's page: the password chosen at registration, checked against the pending hash before the link is used. */
  private passwordForm(): LinkForm {
    const passwordOf = (fields: Record<string, string | string[] | undefined>) => (typeof fields.password === 'string' ? fields.password : '');
    return {
      render: ({ locale }) => {
        const t = FORM_TEXT[locale];
        return html`<p><label for="password">${t.label}</label><br><input id="password" type="password" name="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX_LENGTH * 4}"></p>
<button type="submit">${t.button}</button>`;
      },
      parse: (fields) => {
        const password = passwordOf(fields);
        return password.length > 0 && password.length <= PASSWORD_MAX_LENGTH * 4 ? {} : undefined;
      },
      check: async (fields, { locale, context }) => ((await this.hasher.verify(passwordOf(fields), String(context.passwordHash ?? '') || null)) ? undefined : FORM_TEXT[locale].wrong),
      incomplete: (locale) => FORM_TEXT[locale].incomplete,
    };
  }
}
