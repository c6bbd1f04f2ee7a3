import { Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal } from './personal-data';

/**
 * An API key an admin issued to one of the site's other services (role `service`): it may call
 * `processingAllowed` and nothing that reads or changes a person's account. The key
 * (`csk_<prefix>_<secret>`) is shown once; only its HMAC under a key derived from APP_SECRET is
 * stored. The prefix is public: it finds the row (unique index) and names the key in lists and logs.
 */
@Entity('service_key')
export class ServiceKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** 12 hex characters, unique: the `<prefix>` of `csk_<prefix>_<secret>`. */
  @StringColumn(16, { unique: true })
  prefix!: string;

  /** HMAC-SHA-256 (hex) of the whole key under deriveSecret(APP_SECRET, 'service-keys'). */
  @StringColumn(64)
  secretHash!: string;

  /** The service that holds it, e.g. "newsletter-sender" (not unique: rotation overlaps two keys). */
  @StringColumn(128)
  name!: string;

  /** What the service is and why it asks. */
  @StringColumn(500)
  description!: string;

  /** Subject id of the admin who issued it (a staff reference, like legal_hold.placedBy). */
  @StringColumn(36)
  createdBy!: string;

  @TimeColumn()
  createdAt!: Date;

  /** Written at most once a minute (ServiceKeyService), so a call costs one indexed read. */
  @TimeColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @TimeColumn({ nullable: true })
  expiresAt!: Date | null;

  @TimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @StringColumn(36, { nullable: true })
  revokedBy!: string | null;
}

export const serviceKeyPersonalData = declarePersonalData(ServiceKey, {
  description: 'API keys of the site’s other services (operational data of staff, not of subjects).',
  columns: {
    id: notPersonal,
    prefix: notPersonal,
    secretHash: notPersonal,
    name: notPersonal,
    description: notPersonal,
    createdBy: notPersonal,
    createdAt: notPersonal,
    lastUsedAt: notPersonal,
    expiresAt: notPersonal,
    revokedAt: notPersonal,
    revokedBy: notPersonal,
  },
  subjectRows: { none: 'keys belong to services; createdBy/revokedBy are staff references, as legal_hold.placedBy' },
  erasure: { strategy: 'none' },
});
