import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Role, type Actor } from '../../auth/roles';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { selectOne } from '../../db/statements';
import { ServiceKey } from '../../entities';
import { DomainError, ErrorCode } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { auditOrigin, type CallContext } from '../call-context';
import { SessionService } from './session.service';

/** Every service key starts with this, so the bearer token tells which kind of credential it is. */
export const SERVICE_KEY_PREFIX = 'csk_';

/** `csk_<12 hex: public prefix>_<32 random bytes, base64url>`. */
export const SERVICE_KEY_FORMAT = /^csk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Last-use times are written at most this often, so most calls cost one indexed read and no write. */
export const SERVICE_KEY_LAST_USE_THROTTLE_MS = 60_000;

/** The longest lifetime a key may be given (expiresInDays); a key may also have none. */
export const SERVICE_KEY_MAX_DAYS = 3650;

const DAY_MS = 24 * 60 * 60 * 1000;

export type ServiceKeyFailure = 'invalid' | 'expired' | 'revoked';

export type ServiceKeyStatus = 'active' | 'expired' | 'revoked';

export interface IssuedServiceKey {
  /** The key itself: shown once, never stored. */
  key: string;
  serviceKey: ServiceKey;
}

export function isServiceKeyToken(token: string | undefined): token is string {
  return token !== undefined && token.startsWith(SERVICE_KEY_PREFIX);
}

/**
 * API keys for the site's other services (role `service`). Only the key's HMAC under a key
 * derived from APP_SECRET is stored; the public prefix finds the row (one indexed read) and the
 * HMACs are compared in constant time. Issuing, listing and revoking are admin operations, each audited.
 */
export class ServiceKeyService {
  /** Compared against when no key has the prefix, so an unknown prefix costs the same work. */
  private readonly absent: Buffer;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    /** deriveSecret(APP_SECRET, 'service-keys'). */
    private readonly hmacKey: string,
  ) {
    this.absent = this.mac(`${SERVICE_KEY_PREFIX}absent`);
  }

  private mac(key: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(key).digest();
  }

  static status(row: Pick<ServiceKey, 'revokedAt' | 'expiresAt'>, now: Date): ServiceKeyStatus {
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt && new Date(row.expiresAt).getTime() <= now.getTime()) return 'expired';
    return 'active';
  }

  /** Admin: issues a key to a named service; answers the key once. */
  async create(ctx: CallContext, input: { name: string; description: string; expiresInDays?: number | null }): Promise<IssuedServiceKey | DomainError> {
    const admin = SessionService.actorOf(ctx);
    const days = input.expiresInDays ?? null;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > SERVICE_KEY_MAX_DAYS)) {
      return new DomainError(ErrorCode.INVALID_SERVICE_KEY_EXPIRY, `expiresInDays must be a whole number of days from 1 to ${SERVICE_KEY_MAX_DAYS}, or left out for a key without an end.`);
    }
    const name = input.name.trim();
    const description = input.description.trim();
    if (!name || !description) return new DomainError(ErrorCode.INVALID_SERVICE_KEY_NAME, 'Name the service and say what it uses the key for.');
    const now = this.clock.now();
    const prefix = randomBytes(6).toString('hex');
    const key = `${SERVICE_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = Object.assign(new ServiceKey(), {
      id: randomUUID(),
      prefix,
      secretHash: this.mac(key).toString('hex'),
      name,
      description,
      createdBy: admin.subjectId,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: days === null ? null : new Date(now.getTime() + days * DAY_MS),
      revokedAt: null,
      revokedBy: null,
    });
    await this.db.transaction(async (em) => {
      await em.insert(ServiceKey, row);
      await this.audit.append(em, {
        ...auditOrigin(ctx, Role.ADMIN),
        action: 'service_key.create',
        operation: 'createServiceKey',
        details: { keyId: row.id, prefix, name, expiresAt: row.expiresAt?.toISOString() ?? null },
      });
    });
    return { key, serviceKey: row };
  }

  /** Admin: every key, newest first (no secret: the prefix names each); the read is audited. */
  async list(ctx: CallContext): Promise<ServiceKey[]> {
    const rows = await this.db.manager.getRepository(ServiceKey).find({ order: { createdAt: 'DESC', id: 'ASC' } });
    await this.audit.record({ ...auditOrigin(ctx, Role.ADMIN), action: 'service_key.list', operation: 'serviceKeys', details: { count: rows.length } });
    return rows;
  }

  /** Admin: ends a key at once (every process checks the row on every call). */
  async revoke(ctx: CallContext, id: string): Promise<ServiceKey | DomainError> {
    const admin = SessionService.actorOf(ctx);
    return this.db.transaction(async (em) => {
      const row = await em.getRepository(ServiceKey).findOneBy({ id });
      if (!row) return new DomainError(ErrorCode.NOT_FOUND, 'No service key with that id.');
      if (row.revokedAt) return new DomainError(ErrorCode.SERVICE_KEY_ALREADY_REVOKED, 'This key was revoked already.');
      const now = this.clock.now();
      await em.update(ServiceKey, { id }, { revokedAt: now, revokedBy: admin.subjectId });
      await this.audit.append(em, {
        ...auditOrigin(ctx, Role.ADMIN),
        action: 'service_key.revoke',
        operation: 'revokeServiceKey',
        details: { keyId: id, prefix: row.prefix, name: row.name },
      });
      return Object.assign(row, { revokedAt: now, revokedBy: admin.subjectId });
    });
  }

  /**
   * Resolves a `csk_…` bearer token to the service's actor: one read by the unique prefix, a
   * constant-time compare of the HMACs (before anything about the row is told), and a last-use write
   * at most once a minute.
   */
  async authenticate(token: string): Promise<{ actor?: Actor; failure?: ServiceKeyFailure }> {
    const match = SERVICE_KEY_FORMAT.exec(token);
    if (!match) return { failure: 'invalid' };
    // A cached statement (src/db/statements.ts), as the session look-up: TypeORM's findOneBy builds its query anew on every call.
    const row = await selectOne(this.db.manager, ServiceKey, { prefix: match[1] });
    const expected = row ? Buffer.from(row.secretHash, 'hex') : this.absent;
    const given = this.mac(token);
    if (!timingSafeEqual(given, expected) || !row) return { failure: 'invalid' };
    const now = this.clock.now();
    const status = ServiceKeyService.status(row, now);
    if (status !== 'active') return { failure: status };
    if (!row.lastUsedAt || now.getTime() - new Date(row.lastUsedAt).getTime() >= SERVICE_KEY_LAST_USE_THROTTLE_MS) {
      await this.db.transaction((em) => em.update(ServiceKey, { id: row.id }, { lastUsedAt: now }));
    }
    return {
      actor: {
        subjectId: row.id,
        sessionId: row.id,
        roles: [Role.SERVICE],
        mfaEnabled: false,
        serviceKey: { id: row.id, prefix: row.prefix, name: row.name },
      },
    };
  }
}
