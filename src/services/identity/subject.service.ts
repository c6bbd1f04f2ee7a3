import { randomUUID } from 'node:crypto';
import { MoreThan, Not, type EntityManager } from 'typeorm';
import { Role } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { selectOne } from '../../db/statements';
import { Profile, Subject } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, staffRole, type CallContext } from '../call-context';
import { ipGroup } from '../../util/ip-group';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';
import type { PasswordHasher } from './password-hasher';
import { passwordProblems, type PasswordContext } from './password-policy';
import { normalizeEmail, rolesOf, SessionService, type IssuedSession } from './session.service';
import { newToken, tokenHash } from './tokens';

export interface PostalAddress {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

/** The account settings of the policy's account data: communication and security preferences. */
export interface AccountSettings {
  timeZone: string | null;
  securityAlerts: boolean;
  productNotifications: boolean;
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = { timeZone: null, securityAlerts: true, productNotifications: false };

export interface RegisterInput {
  email: string;
  password: string;
  displayName: string;
  locale: string;
  country: string;
  deviceName?: string;
}

/** Fields a subject edits themselves; undefined = unchanged, null = cleared. Email is not here: see changeEmail. */
export interface ProfileChanges {
  displayName?: string;
  locale?: string;
  country?: string;
  telephone?: string | null;
  postalAddress?: PostalAddress | null;
  accountSettings?: Partial<AccountSettings>;
  username?: string | null;
  pictureUrl?: string | null;
  bio?: string | null;
  interests?: string[];
  professionalCredentials?: string[];
}

/** A subject's account and profile, as services hand them to the API. */
export interface Account {
  subject: Subject;
  profile: Profile;
  /** False for a parent's link access (signInAsParent): no profile row, nothing to edit. */
  profileRow: boolean;
  postalAddress: PostalAddress | null;
  accountSettings: AccountSettings;
  interests: string[];
  professionalCredentials: string[];
}

const ACCOUNT_FIELDS = ['email', 'displayName', 'locale', 'country', 'telephone', 'postalAddress', 'accountSettings', 'status', 'roles', 'mfaEnabledAt', 'createdAt'];
const PROFILE_FIELDS = ['username', 'pictureUrl', 'bio', 'interests', 'professionalCredentials'];
const SUBJECT_COLUMNS: (keyof ProfileChanges)[] = ['displayName', 'locale', 'country', 'telephone', 'postalAddress', 'accountSettings'];
const CATEGORY_OF: Record<string, string> = { locale: 'preference' };

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e.driverError?.code ?? e.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '');
}

/**
 * A new subject row: the given fields over the defaults every new account starts with (no second
 * factor, no setup token, default settings). Registration, admin:create, child registration and
 * parent accounts all start here, so a new column gets its default in one place.
 */
export function newSubjectRow(
  now: Date,
  fields: Pick<Subject, 'id' | 'email' | 'passwordHash' | 'passwordChangedAt' | 'status' | 'roles' | 'displayName' | 'locale' | 'country'> & Partial<Subject>,
): Subject {
  return Object.assign(new Subject(), {
    telephone: null,
    postalAddress: null,
    accountSettings: JSON.stringify(DEFAULT_ACCOUNT_SETTINGS),
    totpSecret: null,
    mfaEnabledAt: null,
    totpLastStep: null,
    setupTokenHash: null,
    setupTokenExpiresAt: null,
    createdAt: now,
    updatedAt: now,
    erasedAt: null,
    ...fields,
  });
}

/**
 * Accounts: registration, the account and profile data a subject reads and edits, email and
 * password changes, roles, and the first admin. Every read and change of personal data is audited
 * in the same transaction as the change.
 */
export class SubjectService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionService,
    /** Tells recipients subscribed to `rectification` which fields a person corrected (GDPR Art 16, 19). */
    private readonly notices?: RecipientNoticeService,
  ) {}

  weakPassword(password: string, context: PasswordContext): DomainError | null {
    const reasons = passwordProblems(password, this.config.PASSWORD_MIN_LENGTH, context);
    return reasons.length ? new DomainError(ErrorCode.WEAK_PASSWORD, reasons.join(' '), { reasons }) : null;
  }

  /** Inserts an active subject with default settings and an empty profile, in the caller's transaction (registration, admin:create). */
  async insertAccount(
    em: EntityManager,
    fields: Pick<Subject, 'email' | 'passwordHash' | 'passwordChangedAt' | 'roles' | 'displayName' | 'locale' | 'country'> & Partial<Pick<Subject, 'id' | 'setupTokenHash' | 'setupTokenExpiresAt'>>,
  ): Promise<Subject> {
    const now = this.clock.now();
    const subject = newSubjectRow(now, { id: randomUUID(), status: 'active', ...fields });
    await em.insert(Subject, subject);
    await em.insert(Profile, { subjectId: subject.id, username: null, pictureUrl: null, bio: null, interests: '[]', professionalCredentials: '[]', updatedAt: now });
    return subject;
  }

  private async load(em: EntityManager, subjectId: string): Promise<Account | null> {
    const subject = await selectOne(em, Subject, { id: subjectId });
    if (!subject || subject.status === 'erased') return null;
    const profile = await selectOne(em, Profile, { subjectId });
    return {
      subject,
      // A parent who signed in with a dashboard link (signInAsParent) is a passwordless subject
      // without a profile row: the account is shown with an empty profile.
      profile: profile ?? Object.assign(new Profile(), { subjectId, username: null, pictureUrl: null, bio: null, interests: '[]', professionalCredentials: '[]', updatedAt: subject.createdAt }),
      profileRow: !!profile,
      postalAddress: subject.postalAddress ? JSON.parse(subject.postalAddress) : null,
      accountSettings: { ...DEFAULT_ACCOUNT_SETTINGS, ...JSON.parse(subject.accountSettings) },
      interests: profile ? JSON.parse(profile.interests) : [],
      professionalCredentials: profile ? JSON.parse(profile.professionalCredentials) : [],
    };
  }

  /** The signed-in subject's own account and profile; the read is audited. */
  async me(ctx: CallContext): Promise<Account> {
    const actor = SessionService.actorOf(ctx);
    const account = await this.load(this.db.manager, actor.subjectId);
    if (!account) throw new Error(`signed-in subject ${actor.subjectId} has no account`);
    await this.audit.record({ ...auditOrigin(ctx, Role.SUBJECT), action: 'account.read', subjectId: actor.subjectId, categories: ['account', 'profile', 'preference', 'service'], fields: [...ACCOUNT_FIELDS, ...PROFILE_FIELDS], operation: 'me' });
    return account;
  }

  /** Edits the subject's own account and profile data (rectification through account settings). */
  async updateProfile(ctx: CallContext, changes: ProfileChanges): Promise<Account | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const taken = () => new DomainError(ErrorCode.USERNAME_TAKEN, 'That username is taken. Try another.');
    try {
      return await this.db.transaction(async (em) => {
        const current = (await this.load(em, actor.subjectId))!;
        if (!current.profileRow) return parentLinkAccess('no profile to edit');
        const username = changes.username === undefined ? undefined : changes.username === null ? null : changes.username.toLowerCase();
        if (username && (await em.existsBy(Profile, { username, subjectId: Not(actor.subjectId) }))) return taken();
        const now = this.clock.now();
        const subjectUpdate: Partial<Subject> = {};
        const profileUpdate: Partial<Profile> = {};
        const changed: string[] = [];
        const set = <T extends object>(target: T, field: keyof T & string, next: unknown, prev: unknown) => {
          if (next === undefined || JSON.stringify(next) === JSON.stringify(prev)) return;
          (target as Record<string, unknown>)[field] = next;
          changed.push(field);
        };
        const s = current.subject;
        set(subjectUpdate, 'displayName', changes.displayName?.trim(), s.displayName);
        set(subjectUpdate, 'locale', changes.locale, s.locale);
        set(subjectUpdate, 'country', changes.country?.toUpperCase(), s.country);
        set(subjectUpdate, 'telephone', changes.telephone, s.telephone);
        if (changes.postalAddress !== undefined) {
          set(subjectUpdate, 'postalAddress', changes.postalAddress === null ? null : JSON.stringify({ ...changes.postalAddress, country: changes.postalAddress.country.toUpperCase() }), s.postalAddress);
        }
        if (changes.accountSettings !== undefined) {
          set(subjectUpdate, 'accountSettings', JSON.stringify({ ...current.accountSettings, ...stripUndefined(changes.accountSettings) }), s.accountSettings);
        }
        const p = current.profile;
        set(profileUpdate, 'username', username, p.username);
        set(profileUpdate, 'pictureUrl', changes.pictureUrl, p.pictureUrl);
        set(profileUpdate, 'bio', changes.bio, p.bio);
        if (changes.interests !== undefined) set(profileUpdate, 'interests', JSON.stringify(changes.interests), p.interests);
        if (changes.professionalCredentials !== undefined) set(profileUpdate, 'professionalCredentials', JSON.stringify(changes.professionalCredentials), p.professionalCredentials);
        if (!changed.length) return current;
        if (Object.keys(subjectUpdate).length) await em.update(Subject, { id: actor.subjectId }, { ...subjectUpdate, updatedAt: now });
        if (Object.keys(profileUpdate).length) await em.update(Profile, { subjectId: actor.subjectId }, { ...profileUpdate, updatedAt: now });
        const categories = [...new Set(changed.map((f) => CATEGORY_OF[f] ?? (SUBJECT_COLUMNS.includes(f as keyof ProfileChanges) ? 'account' : 'profile')))];
        await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'account.update', subjectId: actor.subjectId, categories, fields: changed, operation: 'updateProfile' });
        await this.notices?.notify(em, 'rectification', { subjectId: actor.subjectId, data: { fields: changed, categories } });
        return (await this.load(em, actor.subjectId))!;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return taken();
      throw error;
    }
  }

  /**
   * Sets a subject's email to a new, already confirmed address, inside the caller's transaction.
   * The confirmation itself (a link mailed to the new address) is the email-change workflow's job:
   * it calls this once the link is used. Answers EmailTakenError when another account has the address.
   */
  async changeEmail(em: EntityManager, subjectId: string, newEmail: string, ctx: CallContext = {}): Promise<true | DomainError> {
    const email = normalizeEmail(newEmail);
    if (await em.existsBy(Subject, { email, id: Not(subjectId) })) {
      return new DomainError(ErrorCode.EMAIL_TAKEN, 'Another account already uses this email address.');
    }
    const result = await em.update(Subject, { id: subjectId, status: Not('erased') }, { email, updatedAt: this.clock.now() });
    if (!result.affected) return new DomainError(ErrorCode.NOT_FOUND, 'No such subject.');
    await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), actorId: ctx.actor?.subjectId ?? subjectId, action: 'account.email_change', subjectId, categories: ['account'], fields: ['email'], operation: 'changeEmail' });
    await this.notices?.notify(em, 'rectification', { subjectId, data: { fields: ['email'], categories: ['account'] } });
    return true;
  }

  /** Changes the password after proving the current one; every session is revoked and a new one issued for this device. */
  async changePassword(ctx: CallContext, currentPassword: string, newPassword: string): Promise<IssuedSession | DomainError> {
    const actor = SessionService.actorOf(ctx);
    const limited = await this.rateLimits.consume(this.sessions.passwordCheckLimits(ctx, actor.subjectId));
    if (limited) return limited;
    const account = (await this.load(this.db.manager, actor.subjectId))!;
    if (account.subject.passwordHash === null) return parentLinkAccess('no password to change');
    if (!(await this.hasher.verify(currentPassword, account.subject.passwordHash))) {
      return new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Your current password is not right.');
    }
    const weak = this.weakPassword(newPassword, { email: account.subject.email, displayName: account.subject.displayName, username: account.profile.username });
    if (weak) return weak;
    const passwordHash = await this.hasher.hash(newPassword);
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      await em.update(Subject, { id: actor.subjectId }, { passwordHash, passwordChangedAt: now, updatedAt: now });
      const revoked = await this.sessions.revokeAll(em, actor.subjectId, 'password_changed');
      await this.audit.append(em, { ...auditOrigin(ctx, Role.SUBJECT), action: 'account.password_change', subjectId: actor.subjectId, categories: ['service'], fields: ['passwordHash'], operation: 'changePassword', details: { sessionsRevoked: revoked } });
      // The new session replaces this one on the same device: it keeps the second factor this session proved.
      return this.sessions.issue(em, ctx, actor.subjectId, { password: true, secondFactor: actor.assurance === 'second_factor' ? (actor.secondFactorVerifiedAt ?? now) : false });
    });
  }

  /**
   * Creates an admin account with no password and a one-time setup token (for `npm run admin:create`).
   * The token, used once through `setupAccount` before it expires, sets the password.
   */
  async createAdmin(input: { email: string; displayName: string; locale?: string; country?: string }): Promise<{ subjectId: string; setupToken: string; expiresAt: Date } | DomainError> {
    const email = normalizeEmail(input.email);
    const setupToken = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.ADMIN_SETUP_TTL);
    return this.db.transaction(async (em) => {
      if (await em.existsBy(Subject, { email })) return new DomainError(ErrorCode.EMAIL_TAKEN, `An account with ${email} already exists.`);
      const { id } = await this.insertAccount(em, {
        email,
        passwordHash: null,
        passwordChangedAt: null,
        roles: [Role.SUBJECT, Role.ADMIN].join(','),
        displayName: input.displayName,
        locale: input.locale ?? 'en',
        country: input.country ?? 'US',
        setupTokenHash: tokenHash(setupToken),
        setupTokenExpiresAt: expiresAt,
      });
      await this.audit.append(em, { actorRole: 'system', action: 'account.create_admin', subjectId: id, categories: ['account', 'service'], fields: ['email', 'displayName', 'roles'], operation: 'cli:admin:create' });
      return { subjectId: id, setupToken, expiresAt };
    });
  }

  /** Uses a one-time setup token: sets the first password and signs in. The token cannot be used again. */
  async setupAccount(ctx: CallContext, token: string, password: string): Promise<IssuedSession | DomainError> {
    const invalid = new DomainError(ErrorCode.INVALID_SETUP_TOKEN, 'This setup link is not valid: it was used already or it expired. Ask an admin for a new one.');
    const limited = await this.rateLimits.consume([{ key: RateLimitService.key('sign_in:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_SIGN_IN_IP }]);
    if (limited) return limited;
    const subject = await this.db.manager.findOneBy(Subject, { setupTokenHash: tokenHash(token), setupTokenExpiresAt: MoreThan(this.clock.now()) });
    if (!subject) return invalid;
    const weak = this.weakPassword(password, { email: subject.email, displayName: subject.displayName });
    if (weak) return weak;
    const passwordHash = await this.hasher.hash(password);
    return this.db.transaction(async (em) => {
      const now = this.clock.now();
      const used = await em.update(Subject, { id: subject.id, setupTokenHash: tokenHash(token) }, { passwordHash, passwordChangedAt: now, setupTokenHash: null, setupTokenExpiresAt: null, updatedAt: now });
      if (!used.affected) return invalid;
      await this.audit.append(em, { requestId: ctx.requestId ?? null, ip: ctx.ip ?? null, actorId: subject.id, actorRole: Role.SUBJECT, action: 'account.setup', subjectId: subject.id, categories: ['service'], fields: ['passwordHash'], operation: 'setupAccount' });
      return this.sessions.issue(em, ctx, subject.id, { password: true, secondFactor: false });
    });
  }

  /** Admin: gives a subject a role (staff, guardian, admin). */
  async setRole(ctx: CallContext, subjectId: string, role: Role, granted: boolean): Promise<Role[] | DomainError> {
    return this.db.transaction(async (em) => {
      const subject = await em.findOneBy(Subject, { id: subjectId, status: Not('erased') });
      if (!subject) return new DomainError(ErrorCode.NOT_FOUND, 'No such subject.');
      const roles = new Set(rolesOf(subject));
      if (granted) roles.add(role);
      else roles.delete(role);
      roles.add(Role.SUBJECT);
      const next = Object.values(Role).filter((r) => roles.has(r));
      await em.update(Subject, { id: subjectId }, { roles: next.join(','), updatedAt: this.clock.now() });
      // Privileges changed: the subject's sessions carry roles from the database on every request, nothing to revoke.
      await this.audit.append(em, { ...auditOrigin(ctx, staffRole(ctx.actor)), action: granted ? 'account.role_grant' : 'account.role_revoke', subjectId, categories: ['service'], fields: ['roles'], operation: granted ? 'grantRole' : 'revokeRole', details: { role } });
      return next;
    });
  }
}

/** The answer to a parent's link access (a passwordless guardian subject) asking for what only accounts have. */
function parentLinkAccess(what: string): DomainError {
  return new DomainError(
    ErrorCode.PARENT_LINK_ACCESS,
    `You are signed in with a parent’s dashboard link: it has ${what}. To keep a profile and a password, sign up with your own account and link it to your children (linkGuardianAccount).`,
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
