import { createHmac, randomInt } from 'node:crypto';
import { authenticator } from 'otplib';
import { IsNull, Not, type EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { RecoveryCode, Session, Subject } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import { ipGroup } from '../../util/ip-group';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { SecretBox } from '../../util/secret-box';
import { SessionService } from './session.service';

/** TOTP as authenticator apps do it (RFC 6238: SHA-1, 6 digits, 30 s); one step of clock drift allowed each way. */
const TOTP_STEP_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Enrolling needs the password proved this recently; disabling or new recovery codes need the second factor. */
export const MFA_ENROL_PASSWORD_MAX_AGE_MS = 30 * 60_000;
export const MFA_CHANGE_SECOND_FACTOR_MAX_AGE_MS = 10 * 60_000;

export interface TotpEnrollment {
  secret: string;
  otpauthUri: string;
}

export interface SecondFactorCodes {
  totpCode?: string;
  recoveryCode?: string;
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * The second factor: TOTP enrolment and confirmation, one-time recovery codes, and the check used
 * by sign-in and re-authentication. otplib (12.x, widely used, RFC 4226/6238 tested) computes the
 * codes; the clock is ours (`epoch`), so tests move time instead of waiting.
 */
export class MfaService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionService,
    /** Derived from APP_SECRET: seals TOTP secrets and keys the recovery-code hashes. */
    private readonly mfaKey: string,
  ) {
    this.box = new SecretBox(mfaKey, 'totp-secrets');
  }

  /**
   * A recovery code holds ~50 bits: a plain hash could be brute-forced from a copy of the database,
   * so codes are stored as an HMAC under a key derived from APP_SECRET, bound to the subject.
   */
  private recoveryCodeHash(subjectId: string, code: string): string {
    return createHmac('sha256', this.mfaKey).update(`${subjectId}:${normalizeRecoveryCode(code)}`).digest('hex');
  }

  /** The subject's TOTP secret in clear, or null (none, or sealed under another key). */
  private secretOf(subject: Subject): string | null {
    return subject.totpSecret ? this.box.open(subject.totpSecret, subject.id) : null;
  }

  private totp() {
    return authenticator.clone({ epoch: this.clock.now().getTime(), window: 1, step: TOTP_STEP_SECONDS });
  }

  /** The time step of a valid code, or null. */
  private codeStep(secret: string, code: string): number | null {
    const normalized = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(normalized)) return null;
    const delta = this.totp().checkDelta(normalized, secret);
    if (delta === null) return null;
    return Math.floor(this.clock.now().getTime() / 1000 / TOTP_STEP_SECONDS) + delta;
  }

  private async lockSubject(em: EntityManager, subjectId: string): Promise<Subject> {
    const qb = em.getRepository(Subject).createQueryBuilder('u').where('u.id = :id', { id: subjectId });
    return (await (this.db.rowLocks ? qb.setLock('pessimistic_write') : qb).getOne())!;
  }

  private limits(ctx: CallContext, subjectId: string) {
    return this.rateLimits.consume([
      { key: RateLimitService.key('second_factor:account', subjectId), rule: this.config.RATE_LIMIT_SECOND_FACTOR_ACCOUNT },
      { key: RateLimitService.key('second_factor:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_SECOND_FACTOR_IP },
    ]);
  }

  /**
   * Checks a TOTP code (refusing a code of a step already used: replay) or consumes a recovery code.
   * Answers null when it is right, else a typed error; rate-limited per account and per IP.
   */
  async checkSecondFactor(ctx: CallContext, subjectId: string, codes: SecondFactorCodes, operation: string): Promise<DomainError | null> {
    const limited = await this.limits(ctx, subjectId);
    if (limited) return limited;
    return this.db.transaction(async (em) => {
      const subject = await this.lockSubject(em, subjectId);
      let ok = false;
      let method = 'totp';
      const secret = this.secretOf(subject);
      if (codes.totpCode && secret && subject.mfaEnabledAt) {
        const step = this.codeStep(secret, codes.totpCode);
        if (step !== null && (subject.totpLastStep === null || step > subject.totpLastStep)) {
          await em.update(Subject, { id: subjectId }, { totpLastStep: step });
          ok = true;
        }
      } else if (codes.recoveryCode && subject.mfaEnabledAt) {
        method = 'recovery_code';
        const result = await em.update(
          RecoveryCode,
          { subjectId, codeHash: this.recoveryCodeHash(subjectId, codes.recoveryCode), usedAt: IsNull() },
          { usedAt: this.clock.now() },
        );
        ok = (result.affected ?? 0) === 1;
      }
      await this.audit.append(em, {
        ...auditOrigin(ctx, Role.SUBJECT),
        actorId: subjectId,
        actorRole: Role.SUBJECT,
        action: ok ? 'mfa.verified' : 'mfa.verify_failed',
        subjectId,
        categories: ['service'],
        operation,
        details: { method },
      });
      return ok ? null : new DomainError(ErrorCode.INVALID_SECOND_FACTOR, 'That code is not right, or it was already used. Wait for the next code and try again.');
    });
  }

  /** Starts TOTP enrolment: a new secret (pending until confirmed) and the otpauth:// URI for an authenticator app. */
  async enroll(ctx: CallContext): Promise<TotpEnrollment | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const stale = this.sessions.requireRecent(ctx, 'password', MFA_ENROL_PASSWORD_MAX_AGE_MS);
    if (stale) return stale;
    return this.db.transaction(async (em) => {
      const subject = await this.lockSubject(em, actor.subjectId);
      if (subject.mfaEnabledAt) return new DomainError(ErrorCode.MFA_ALREADY_ENABLED, 'Two-factor authentication is already on.');
      const secret = authenticator.generateSecret(20);
      await em.update(Subject, { id: subject.id }, { totpSecret: this.box.seal(secret, subject.id), totpLastStep: null, updatedAt: this.clock.now() });
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'mfa.enroll', subjectId: subject.id, categories: ['service'], fields: ['totpSecret'], operation: 'enrollTotp' });
      return { secret, otpauthUri: this.totp().keyuri(subject.email, this.config.MFA_ISSUER, secret) };
    });
  }

  /** Confirms enrolment with a first code: MFA is on, this session is upgraded, the account's other sessions end, and the recovery codes are returned (shown once). */
  async confirm(ctx: CallContext, code: string): Promise<{ recoveryCodes: string[] } | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const limited = await this.limits(ctx, actor.subjectId);
    if (limited) return limited;
    return this.db.transaction(async (em) => {
      const subject = await this.lockSubject(em, actor.subjectId);
      if (subject.mfaEnabledAt) return new DomainError(ErrorCode.MFA_ALREADY_ENABLED, 'Two-factor authentication is already on.');
      const secret = this.secretOf(subject);
      if (!secret) return new DomainError(ErrorCode.NOT_FOUND, 'Start with enrollTotp: there is no pending enrolment.');
      const step = this.codeStep(secret, code);
      if (step === null) {
        await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'mfa.verify_failed', subjectId: subject.id, categories: ['service'], operation: 'confirmTotp', details: { method: 'totp' } });
        return new DomainError(ErrorCode.INVALID_SECOND_FACTOR, 'That code is not right. Check the time on your phone and try the next code.');
      }
      const now = this.clock.now();
      await em.update(Subject, { id: subject.id }, { mfaEnabledAt: now, totpLastStep: step, updatedAt: now });
      // This session just proved the second factor: it is upgraded. Every other session proved only
      // the password (two-factor was off when they opened): they end, so none of them acts with the
      // assurance the account now promises (issue 11 §6).
      await em.update(Session, { id: actor.sessionId }, { secondFactorVerifiedAt: now, assurance: 'second_factor' });
      const ended = await em.update(Session, { subjectId: subject.id, id: Not(actor.sessionId), revokedAt: IsNull() }, { revokedAt: now, revokedReason: 'second_factor_changed' });
      const recoveryCodes = await this.replaceRecoveryCodes(em, subject.id);
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'mfa.enable', subjectId: subject.id, categories: ['service'], fields: ['mfaEnabledAt', 'recoveryCodes'], operation: 'confirmTotp', details: { sessionsRevoked: ended.affected ?? 0 } });
      return { recoveryCodes };
    });
  }

  async disable(ctx: CallContext): Promise<true | DomainError> {
    const actor = SessionService.actorOf(ctx);
    if (!actor.mfaEnabled) return new DomainError(ErrorCode.MFA_NOT_ENABLED, 'Two-factor authentication is not on.');
    const stale = this.sessions.requireRecent(ctx, 'second_factor', MFA_CHANGE_SECOND_FACTOR_MAX_AGE_MS);
    if (stale) return stale;
    return this.db.transaction(async (em) => {
      await em.update(Subject, { id: actor.subjectId }, { totpSecret: null, mfaEnabledAt: null, totpLastStep: null, updatedAt: this.clock.now() });
      await em.delete(RecoveryCode, { subjectId: actor.subjectId });
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'mfa.disable', subjectId: actor.subjectId, categories: ['service'], fields: ['totpSecret', 'mfaEnabledAt', 'recoveryCodes'], operation: 'disableTotp' });
      return true as const;
    });
  }

  async regenerateRecoveryCodes(ctx: CallContext): Promise<{ recoveryCodes: string[] } | DomainError> {
    const actor = SessionService.actorOf(ctx);
    if (!actor.mfaEnabled) return new DomainError(ErrorCode.MFA_NOT_ENABLED, 'Two-factor authentication is not on.');
    const stale = this.sessions.requireRecent(ctx, 'second_factor', MFA_CHANGE_SECOND_FACTOR_MAX_AGE_MS);
    if (stale) return stale;
    return this.db.transaction(async (em) => {
      const recoveryCodes = await this.replaceRecoveryCodes(em, actor.subjectId);
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'mfa.recovery_codes', subjectId: actor.subjectId, categories: ['service'], fields: ['recoveryCodes'], operation: 'regenerateRecoveryCodes' });
      return { recoveryCodes };
    });
  }

  private async replaceRecoveryCodes(em: EntityManager, subjectId: string): Promise<string[]> {
    await em.delete(RecoveryCode, { subjectId });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = this.clock.now();
    await em.insert(
      RecoveryCode,
      codes.map((code) => ({ subjectId, codeHash: this.recoveryCodeHash(subjectId, code), createdAt: now, usedAt: null })),
    );
    return codes;
  }
}
