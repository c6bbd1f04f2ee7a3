import { In, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import type { RateLimitRule } from '../../config';
import type { Database } from '../../db/database';
import { selectOne } from '../../db/statements';
import { DeviceOptOut } from '../../entities';
import type { Logger } from '../../logger';
import { ipGroup } from '../../util/ip-group';
import { PollingWorker } from '../../workflows/runtime/polling-worker';
import type { AuditService } from '../audit/audit.service';
import type { ConsentService } from '../consent/consent.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';

/** Devices one digest names at most (one webhook per recipient per digest): 200 ids of up to 128 characters stay well inside the outbox row's 64 KiB TEXT. */
export const DEVICE_DIGEST_SIZE = 200;

/** What a Global Privacy Control signal of a device did: newly recorded, already on record, or not recorded (per-IP bound). */
export type DeviceOptOutResult = 'recorded' | 'known' | 'limited';

export interface DeviceSignal {
  deviceId: string;
  ip?: string;
  requestId?: string;
}

/**
 * Global Privacy Control for a browser or app device (11 CCR 7025(c)(1): the signal opts out that
 * browser or device). Anyone can send the signal with any new device id, so it must cost little and
 * write little:
 *
 * - a device on record costs one primary-key read and no write (and, in OptOutService, usually not even that);
 * - a new device is one `device_opt_out` row and its `sale_share` consent record (method `gpc`),
 *   written once: the row's key is the device's keyed hash, so concurrent requests and processes
 *   cannot record it twice. No privacy request, workflow or timer per device: there is nobody to
 *   answer or to verify, and nothing to track but the downstream notice;
 * - the downstream notice (11 CCR 7026(f)) is a digest: every GPC_DIGEST_INTERVAL, one signed webhook
 *   per recipient subscribed to `opt_out` names all devices recorded since, through the outbox (retries,
 *   dead letters staff see), with one audit entry per digest;
 * - new devices are bounded per client IP (RATE_LIMIT_GPC_DEVICE_IP, IPv6 by /64). Over the bound the
 *   request still succeeds (GPC never makes a request fail) and nothing is written; the device is
 *   recorded by a later request of it, under the bound.
 */
export class DeviceOptOutService {
  /** IP groups over the bound, until when (so a flood costs no database round trip per request). */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly consent: ConsentService,
    private readonly rateLimits: RateLimitService,
    private readonly notices: RecipientNoticeService,
    private readonly audit: AuditService,
    private readonly perIp: RateLimitRule,
    private readonly logger: Logger,
  ) {}

  /** Records the device as opted out unless it already is; see the class comment. */
  async optOut(signal: DeviceSignal): Promise<DeviceOptOutResult> {
    const deviceKey = this.consent.deviceKey(signal.deviceId);
    if (await this.isOptedOut(deviceKey)) return 'known';
    const client = ipGroup(signal.ip);
    const now = this.clock.now().getTime();
    if ((this.blocked.get(client) ?? 0) > now) return 'limited';
    const limited = await this.rateLimits.consume([{ key: RateLimitService.key('gpc_device:ip', client), rule: this.perIp }]);
    if (limited) {
      const retryAfterSeconds = Number((limited as { retryAfterSeconds?: number }).retryAfterSeconds ?? 60);
      // One line per client and window (parallel requests of a flood all land here at once).
      const already = (this.blocked.get(client) ?? 0) > now;
      this.block(client, now + retryAfterSeconds * 1000, now);
      if (!already) {
        this.logger.warn(
          { requestId: signal.requestId, retryAfterSeconds, limit: this.perIp.limit, windowMs: this.perIp.windowMs },
          'Global Privacy Control: too many new devices from one client address; not recording more until the window ends (the requests still succeed; their devices are recorded on a later request)',
        );
      }
      return 'limited';
    }
    return this.db.transaction(async (em) => {
      if (!(await this.insertOnce(em, { deviceKey, deviceId: signal.deviceId, recordedAt: this.clock.now(), notifiedAt: null }))) return 'known';
      await this.consent.record(em, { deviceId: signal.deviceId }, {
        purpose: 'sale_share',
        decision: 'denied',
        method: 'gpc',
        givenBy: 'self',
        evidence: { signal: 'Sec-GPC', requestId: signal.requestId ?? null },
      });
      return 'recorded';
    });
  }

  /** Whether a device (by its keyed hash) is on record as opted out: one primary-key read. */
  async isOptedOut(deviceKey: string, em: EntityManager = this.db.manager): Promise<boolean> {
    return (await selectOne(em, DeviceOptOut, { deviceKey })) !== null;
  }

  /**
   * One digest: claims the oldest devices not yet told (SKIP LOCKED on MySQL, so processes share
   * them), queues one webhook per `opt_out` recipient naming them all, clears their raw ids and
   * writes one audit entry, in one transaction. Answers how many devices it covered.
   */
  async notifyRecipients(limit = DEVICE_DIGEST_SIZE): Promise<number> {
    return this.db.transaction(async (em) => {
      let qb = em.getRepository(DeviceOptOut).createQueryBuilder('d').where('d.notifiedAt IS NULL').orderBy('d.recordedAt', 'ASC').limit(limit);
      if (this.db.rowLocks) qb = qb.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await qb.getMany();
      if (!rows.length) return 0;
      const deviceIds = rows.flatMap((row) => (row.deviceId ? [row.deviceId] : []));
      const webhooks = await this.notices.notify(em, 'opt_out', {
        subjectId: null,
        data: { method: 'gpc', deviceIds, purposes: ['sale_share'] },
        detachFromSubject: true,
      });
      await em
        .createQueryBuilder()
        .update(DeviceOptOut)
        .set({ notifiedAt: this.clock.now(), deviceId: null })
        .where({ deviceKey: In(rows.map((row) => row.deviceKey)) })
        .execute();
      await this.audit.append(em, {
        actorRole: 'system',
        action: 'opt_out.devices_notified',
        categories: ['preference'],
        operation: 'gpc-digest',
        details: { devices: rows.length, webhooks: webhooks.length },
      });
      return rows.length;
    });
  }

  /** INSERT … IGNORE (MySQL) / INSERT OR IGNORE (SQLite): true when this call wrote the row. */
  private async insertOnce(em: EntityManager, row: DeviceOptOut): Promise<boolean> {
    const [sql, params] = em.createQueryBuilder().insert().into(DeviceOptOut).values(row).orIgnore().getQueryAndParameters();
    const result = await em.queryRunner!.query(sql, params, true);
    return (result.affected ?? 0) > 0;
  }

  private block(client: string, until: number, now: number): void {
    this.blocked.set(client, until);
    if (this.blocked.size > 10_000) for (const [key, end] of this.blocked) if (end <= now) this.blocked.delete(key);
  }
}

/** Sends the device opt-out digest every GPC_DIGEST_INTERVAL, in every process (the rows are claimed). */
export class DeviceOptOutDigestWorker extends PollingWorker {
  constructor(
    private readonly devices: DeviceOptOutService,
    intervalMs: number,
    logger: Logger,
  ) {
    super('gpc-digest', intervalMs, logger);
  }

  protected batch(): Promise<number> {
    return this.devices.notifyRecipients();
  }
}
