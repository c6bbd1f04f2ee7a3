import { Column, Entity, PrimaryColumn } from 'typeorm';
import { StringColumn, TextColumn, TimeColumn } from './columns';
import { declarePersonalData, notPersonal } from './personal-data';

/**
 * A downstream service or processor that receives personal data from the site and must hear of
 * erasures, rectifications, withdrawn consents and opt-outs (GDPR Art 19, CCPA §7026(f)) through a
 * signed webhook.
 */
@Entity('recipient')
export class Recipient {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(128, { unique: true })
  name!: string;

  /** Who they are, for the subject's Art 19 right to be told (e.g. "Email service provider"). */
  @StringColumn(255)
  description!: string;

  @StringColumn(2048)
  webhookUrl!: string;

  /** The HMAC signing key, sealed with the app secret (SecretBox). */
  @TextColumn()
  sealedSecret!: string;

  /** Event kinds it receives, JSON array: erasure, opt_out, rectification, consent_withdrawn (RECIPIENT_EVENTS). */
  @TextColumn()
  events!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @TimeColumn()
  createdAt!: Date;
}

export const recipientPersonalData = declarePersonalData(Recipient, {
  description: 'Downstream services and processors (organisations, not people).',
  columns: { id: notPersonal, name: notPersonal, description: notPersonal, webhookUrl: notPersonal, sealedSecret: notPersonal, events: notPersonal, active: notPersonal, createdAt: notPersonal },
  subjectRows: { none: 'recipients are organisations' },
  erasure: { strategy: 'none' },
});
