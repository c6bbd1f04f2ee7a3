import { Entity, Index, PrimaryColumn } from 'typeorm';
import { StringColumn, TimeColumn } from './columns';
import { declarePersonalData, personal } from './personal-data';

/**
 * A browser or app device opted out of sale/sharing by Global Privacy Control (11 CCR 7025): at
 * most one row per device, ever (the primary key is the device's keyed hash, so concurrent
 * requests of one device cannot record it twice; nothing grants sale/sharing to a device again).
 * Its `sale_share` consent record is written with it. The raw device id is kept only until the
 * periodic digest has told the downstream recipients (one webhook per recipient per batch of devices),
 * then cleared.
 */
@Entity('device_opt_out')
@Index(['notifiedAt', 'recordedAt'])
export class DeviceOptOut {
  /** HMAC of the app's device id (ConsentService.deviceKey, the same key as the consent record's). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  deviceKey!: string;

  /** The app's device id, for the recipients' digest; null once it has been queued to them. */
  @StringColumn(128, { nullable: true })
  deviceId!: string | null;

  @TimeColumn()
  recordedAt!: Date;

  /** When the digest naming this device was queued to the recipients (null: still to tell). */
  @TimeColumn({ nullable: true })
  notifiedAt!: Date | null;
}

export const deviceOptOutPersonalData = declarePersonalData(DeviceOptOut, {
  description: 'Devices opted out of sale/sharing by Global Privacy Control: a keyed hash of the device id (and the id itself until recipients are told).',
  columns: {
    deviceKey: personal('technical', { pseudonymous: true }),
    deviceId: personal('technical'),
    recordedAt: personal('preference'),
    notifiedAt: personal('preference'),
  },
  subjectRows: { none: 'a device, not a person: no subject id; the signed-in subject opts out through their own record and privacy request' },
  // The opt-out must outlive everything (a device that is erased would be sold again); the id itself is cleared once recipients are told.
  erasure: { strategy: 'none' },
});
