import { randomUUID } from 'node:crypto';
import { IsNull, MoreThan, type EntityManager } from 'typeorm';
import { Role, type Actor } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config, RateLimitRule } from '../../config';
import type { Database } from '../../db/database';
import { selectOne, updateRows } from '../../db/statements';
import { Session, Subject } from '../../entities';
import type { SessionAssurance } from '../../entities/session.entity';
import { DomainError, ErrorCode, RequestError } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import { ipGroup } from '../../util/ip-group';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { MfaService } from './mfa.service';
import type { PasswordHasher } from './password-hasher';
import { newToken, TOKEN_FORMAT, tokenHash } from './tokens';
import { normalizeEmail } from '../../util/email';

/** Last-use times are written at most this often, so most requests cost one indexed read and no write. */
export const LAST_USE_THROTTLE_MS = 60_000;

export interface IssuedSession {
  token: string;
  session: Session;
}

export type AuthFailure = 'invalid' | 'expired' | 'revoked';

export interface SignInInput {
  email: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
  deviceName?: string;
}

export type Factor = 'password' | 'second_factor';

const INVALID_CREDENTIALS = () => new DomainError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not right.');

/** Addresses as keys: see src/util/email.ts (re-exported here for the services that import it from identity). */
export { normalizeEmail };

export function rolesOf(subject: Pick<Subject, 'roles'>): Role[] {
  return subject.roles
    .split(',')
    .filter((r): r is Role => (Object.values(Role) as string[]).includes(r));
}

/**
 * Sessions: opaque bearer tokens (only their SHA-256 is stored) with an absolute expiry and an idle
 * timeout, the device/IP/user agent they came from, and when they last proved the password and the
 * second factor (step-up).
 */
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly rateLimits: RateLimitService,
    private readonly mfa: () => MfaService,
  ) {}

  /**
   * Creates a session inside the caller's transaction and returns its token (shown once). Its
   * assurance is what it proved: the second factor (now, or carried over as the time it was proved
   * in the session this one replaces), else the password, else only a parent's email link.
   */
  async issue(em: EntityManager, ctx: CallContext, subjectId: string, proof: { password: boolean; secondFactor: boolean | Date; deviceName?: string }): Promise<IssuedSession> {
    const now = this.clock.now();
    const secondFactorVerifiedAt = proof.secondFactor instanceof Date ? proof.secondFactor : proof.secondFactor ? now : null;
    const assurance: SessionAssurance = secondFactorVerifiedAt ? 'second_factor' : proof.password ? 'password' : 'email_link';
    const token = newToken();
    const session = Object.assign(new Session(), {
      id: randomUUID(),
      subjectId,
      tokenHash: tokenHash(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.SESSION_TTL),
      lastUsedAt: now,
      revokedAt: null,
      revokedReason: null,
      ip: (ctx.ip ?? 'unknown').slice(0, 64),
      userAgent: ctx.userAgent?.slice(0, 512) ?? null,
      deviceName: proof.deviceName ?? null,
      passwordVerifiedAt: proof.password ? now : null,
      secondFactorVerifiedAt,
      assurance,
    });
    await em.insert(Session, session);
    await this.audit.append(em, {
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      actorId: subjectId,
      actorRole: Role.SUBJECT,
      action: 'session.create',
      subjectId,
      categories: ['technical'],
      fields: ['ip', 'userAgent', 'deviceName'],
      operation: 'session',
      details: { sessionId: session.id, secondFactor: !!secondFactorVerifiedAt, assurance },
    });
    return { token, session };
  }

  /**
   * Password attempts are limited per account and client (IPv4 address or IPv6 /64) and per client,
   * never per account alone: nobody elsewhere can lock the owner out (issue 11 §9). Across all
   * clients, an account's failures slow further attempts down (RATE_LIMIT_SIGN_IN_SLOWDOWN), except
   * from a client the account has signed in from before.
   */
  async signIn(ctx: CallContext, input: SignInInput): Promise<IssuedSession | DomainError> {
    const email = normalizeEmail(input.email);
    const client = ipGroup(ctx.ip);
    const accountClient = RateLimitService.key('sign_in:account_client', `${email}|${client}`);
    const slowdownKey = RateLimitService.key('sign_in:slowdown', email);
    const limited = await this.rateLimits.consume([
      { key: accountClient, rule: this.config.RATE_LIMIT_SIGN_IN_ACCOUNT },
      { key: RateLimitService.key('sign_in:ip', client), rule: this.config.RATE_LIMIT_SIGN_IN_IP },
    ]);
    if (limited) return limited;

    const subject = await this.db.manager.findOneBy(Subject, { email });
    const usable = subject && subject.status !== 'erased' && subject.passwordHash ? subject : null;
    const slowed = await this.rateLimits.slowdown(slowdownKey, this.config.RATE_LIMIT_SIGN_IN_SLOWDOWN, () => this.knownClient(usable?.id ?? null, client));
    if (slowed) return slowed;
    const passwordOk = usable ? await this.hasher.verify(input.password, usable.passwordHash) : (await this.hasher.verifyDummy(input.password), false);
    if (!usable || !passwordOk) {
      await this.rateLimits.recordFailure(slowdownKey, this.config.RATE_LIMIT_SIGN_IN_SLOWDOWN);
      await this.audit.record({
        ...auditOrigin(ctx, 'anonymous'),
        action: 'session.sign_in_failed',
        subjectId: usable?.id ?? null,
        categories: ['technical'],
        operation: 'signIn',
        details: { reason: 'credentials' },
      });
      return INVALID_CREDENTIALS();
    }

    let secondFactor = false;
    if (usable.mfaEnabledAt) {
      if (!input.totpCode && !input.recoveryCode) {
        return new DomainError(ErrorCode.SECOND_FACTOR_REQUIRED, 'Enter the code from your authenticator app (or a recovery code).');
      }
      const checked = await this.mfa().checkSecondFactor(ctx, usable.id, input, 'signIn');
      if (checked) return checked;
      secondFactor = true;
    }

    await this.rateLimits.reset(accountClient);
    await this.rateLimits.reset(slowdownKey);
    return this.db.transaction(async (em) => {
      if (this.hasher.needsRehash(usable.passwordHash!)) {
        await em.update(Subject, { id: usable.id }, { passwordHash: await this.hasher.hash(input.password) });
      }
      return this.issue(em, ctx, usable.id, { password: true, secondFactor, deviceName: input.deviceName });
    });
  }

  /**
   * Whether the account has had a session from this client within the session lifetime (its owner's
   * usual device or network). The same statement runs for an unknown account (no subject id).
   */
  private async knownClient(subjectId: string | null, client: string): Promise<boolean> {
    const since = new Date(this.clock.now().getTime() - this.config.SESSION_TTL);
    const rows = await this.db.manager.getRepository(Session).find({
      select: { ip: true },
      where: { subjectId: subjectId ?? '00000000-0000-0000-0000-000000000000', createdAt: MoreThan(since) },
      order: { createdAt: 'DESC' },
      take: 50,
    });
    return rows.some((row) => ipGroup(row.ip) === client);
  }

  /**
   * Resolves a bearer token to the actor: one indexed read (session joined with its subject); the
   * last-use time is written at most once a minute.
   */
  async authenticate(token: string | undefined): Promise<{ actor?: Actor; failure?: AuthFailure }> {
    if (token === undefined) return {};
    if (!TOKEN_FORMAT.test(token)) return { failure: 'invalid' };
    const em = this.db.manager;
    const row = await selectOne(em, Session, { tokenHash: tokenHash(token) });
    const subject = row && (await selectOne(em, Subject, { id: row.subjectId }));
    if (!row || !subject || subject.status === 'erased') return { failure: 'invalid' };
    if (row.revokedAt) return { failure: 'revoked' };
    const now = this.clock.now().getTime();
    const lastUsed = new Date(row.lastUsedAt).getTime();
    if (new Date(row.expiresAt).getTime() <= now || lastUsed + this.config.SESSION_IDLE_TIMEOUT <= now) return { failure: 'expired' };
    if (now - lastUsed >= LAST_USE_THROTTLE_MS) {
      await this.db.transaction((tx) => updateRows(tx, Session, { lastUsedAt: new Date(now) }, { id: row.id }));
    }
    return {
      actor: {
        subjectId: subject.id,
        sessionId: row.id,
        roles: rolesOf(subject),
        passwordVerifiedAt: row.passwordVerifiedAt ? new Date(row.passwordVerifiedAt) : undefined,
        secondFactorVerifiedAt: row.secondFactorVerifiedAt ? new Date(row.secondFactorVerifiedAt) : undefined,
        assurance: row.assurance,
        mfaEnabled: !!subject.mfaEnabledAt,
      },
    };
  }

  /** The signed-in actor, or UNAUTHENTICATED (resolvers are guarded by @Authorized already; this is for services). */
  static actorOf(ctx: CallContext): Actor {
    if (!ctx.actor) throw new RequestError('UNAUTHENTICATED', 'Sign in first.');
    return ctx.actor;
  }

  async signOut(ctx: CallContext): Promise<boolean> {
    const actor = SessionService.actorOf(ctx);
    return this.db.transaction(async (em) => {
      await this.revokeWhere(em, { id: actor.sessionId, revokedAt: IsNull() }, 'sign_out');
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'session.sign_out', subjectId: actor.subjectId, categories: ['technical'], operation: 'signOut', details: { sessionId: actor.sessionId } });
      return true;
    });
  }

  /** Revokes every session of the actor, this one included; answers how many. */
  async signOutEverywhere(ctx: CallContext): Promise<number> {
    const actor = SessionService.actorOf(ctx);
    return this.db.transaction(async (em) => {
      const count = await this.revokeAll(em, actor.subjectId, 'sign_out_everywhere');
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'session.sign_out_everywhere', subjectId: actor.subjectId, categories: ['technical'], operation: 'signOutEverywhere', details: { count } });
      return count;
    });
  }

  /** Revokes one of the actor's own sessions. Another person's session id is "not found". */
  async revoke(ctx: CallContext, sessionId: string): Promise<true | DomainError> {
    const actor = SessionService.actorOf(ctx);
    return this.db.transaction(async (em) => {
      const affected = await this.revokeWhere(em, { id: sessionId, subjectId: actor.subjectId, revokedAt: IsNull() }, 'revoked');
      if (!affected) return new DomainError(ErrorCode.NOT_FOUND, 'You have no active session with that id.');
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'session.revoke', subjectId: actor.subjectId, categories: ['technical'], operation: 'revokeSession', details: { sessionId } });
      return true as const;
    });
  }

  async revokeAll(em: EntityManager, subjectId: string, reason: string): Promise<number> {
    return this.revokeWhere(em, { subjectId, revokedAt: IsNull() }, reason);
  }

  private async revokeWhere(em: EntityManager, where: Record<string, unknown>, reason: string): Promise<number> {
    const result = await em.update(Session, where, { revokedAt: this.clock.now(), revokedReason: reason });
    return result.affected ?? 0;
  }

  /** The actor's active sessions, newest first; the read is audited (technical data). */
  async list(ctx: CallContext): Promise<Session[]> {
    const actor = SessionService.actorOf(ctx);
    const now = this.clock.now();
    const rows = await this.db.manager.getRepository(Session).find({ where: { subjectId: actor.subjectId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
    const active = rows.filter((s) => new Date(s.expiresAt) > now && new Date(s.lastUsedAt).getTime() + this.config.SESSION_IDLE_TIMEOUT > now.getTime());
    await this.audit.record({ ...auditOrigin(ctx, Role.SUBJECT), action: 'session.read', subjectId: actor.subjectId, categories: ['technical'], fields: ['ip', 'userAgent', 'deviceName', 'createdAt', 'lastUsedAt'], operation: 'me.sessions' });
    return active;
  }

  /** The limits of a password check by a signed-in subject (reauthenticate, changePassword): per account and client, and per client. */
  passwordCheckLimits(ctx: CallContext, subjectId: string): { key: string; rule: RateLimitRule }[] {
    const client = ipGroup(ctx.ip);
    return [
      { key: RateLimitService.key('sign_in:account_client', `${subjectId}|${client}`), rule: this.config.RATE_LIMIT_SIGN_IN_ACCOUNT },
      { key: RateLimitService.key('sign_in:ip', client), rule: this.config.RATE_LIMIT_SIGN_IN_IP },
    ];
  }

  /** Proves the password (and the second factor, when given) again for this session: step-up. */
  async reauthenticate(ctx: CallContext, password: string, codes: { totpCode?: string; recoveryCode?: string }): Promise<Session | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const limited = await this.rateLimits.consume(this.passwordCheckLimits(ctx, actor.subjectId));
    if (limited) return limited;
    const subject = await this.db.manager.findOneByOrFail(Subject, { id: actor.subjectId });
    if (!(await this.hasher.verify(password, subject.passwordHash))) {
      await this.audit.record({ ...auditOrigin(ctx, Role.SUBJECT), action: 'session.reauthenticate_failed', subjectId: actor.subjectId, categories: ['technical'], operation: 'reauthenticate' });
      return INVALID_CREDENTIALS();
    }
    let secondFactor = false;
    if (codes.totpCode || codes.recoveryCode) {
      if (!subject.mfaEnabledAt) return new DomainError(ErrorCode.MFA_NOT_ENABLED, 'Two-factor authentication is not enabled on this account.');
      const checked = await this.mfa().checkSecondFactor(ctx, subject.id, codes, 'reauthenticate');
      if (checked) return checked;
      secondFactor = true;
    }
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      // A second factor proved in this session raises its assurance (staff may then act through it).
      await em.update(Session, { id: actor.sessionId }, { passwordVerifiedAt: now, ...(secondFactor ? { secondFactorVerifiedAt: now, assurance: 'second_factor' as const } : {}) });
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'session.reauthenticate', subjectId: actor.subjectId, categories: ['technical'], operation: 'reauthenticate', details: { secondFactor } });
      return em.findOneByOrFail(Session, { id: actor.sessionId });
    });
  }

  /**
   * Step-up check for sensitive operations: has this session proved the factor within `maxAgeMs`?
   * Answers a ReauthenticationRequiredError (data, for a result union) or null.
   */
  requireRecent(ctx: CallContext, factor: Factor, maxAgeMs: number): DomainError | null {
    const actor = SessionService.actorOf(ctx);
    const at = factor === 'password' ? actor.passwordVerifiedAt : actor.secondFactorVerifiedAt;
    if (at && this.clock.now().getTime() - at.getTime() <= maxAgeMs) return null;
    const minutes = Math.round(maxAgeMs / 60_000);
    const what = factor === 'password' ? 'your password' : 'your password and a code from your authenticator app';
    return new DomainError(ErrorCode.REAUTHENTICATION_REQUIRED, `For your safety, confirm ${what} again (reauthenticate) first.`, { factor, maxAgeMinutes: minutes });
  }
}
