import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { declarePersonalData, notPersonal, personal, subjectLink } from './personal-data';
import { StringColumn, TextColumn, TimeColumn } from './columns';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'dead';
/** `job`: work on behalf of an address that the request must not wait for (src/services/address-job). */
export type OutboxChannel = 'email' | 'webhook' | 'job';

/**
 * Something to send, written in the same transaction as the change that caused it and sent by the
 * outbox worker after commit: `queued → sending → sent | dead`. `email` rows name a template, a
 * locale and its parameters (rendered at send time); a later `webhook` channel keeps its signed
 * payload in `params` and the URL in `recipient`. `messageId` never changes, so a resend after an
 * unknown outcome is recognisable as the same message.
 */
@Entity('outbox_message')
@Index(['status', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @StringColumn(16)
  channel!: OutboxChannel;

  /** Email address, or the webhook URL. */
  @StringColumn(512)
  recipient!: string;

  @StringColumn(64, { nullable: true })
  template!: string | null;

  @StringColumn(16)
  locale!: string;

  /** Template parameters (email) or payload (webhook), JSON. Links are scrubbed once sent. */
  @TextColumn()
  params!: string;

  @StringColumn(16)
  status!: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** When the row is next due: the retry time when queued, the end of the send lease when sending. */
  @TimeColumn()
  nextAttemptAt!: Date;

  @TextColumn({ nullable: true })
  lastError!: string | null;

  @StringColumn(255)
  messageId!: string;

  @StringColumn(36, { nullable: true })
  @Index()
  workflowId!: string | null;

  @StringColumn(64, { nullable: true })
  subjectId!: string | null;

  @TimeColumn()
  createdAt!: Date;

  @TimeColumn()
  updatedAt!: Date;

  @TimeColumn({ nullable: true })
  sentAt!: Date | null;
}

export const outboxMessagePersonalData = declarePersonalData(OutboxMessage, {
  description: 'Mails (and webhooks) sent or to be sent: recipient address, template parameters, delivery errors.',
  columns: {
    id: notPersonal,
    channel: notPersonal,
    recipient: personal('communication'),
    template: notPersonal,
    locale: personal('preference'),
    params: personal('communication'),
    status: notPersonal,
    attempts: notPersonal,
    nextAttemptAt: notPersonal,
    // SMTP errors may quote the recipient address.
    lastError: personal('communication'),
    messageId: notPersonal,
    workflowId: notPersonal,
    subjectId: subjectLink,
    createdAt: personal('communication'),
    updatedAt: notPersonal,
    sentAt: personal('communication'),
  },
  subjectRows: { column: 'subjectId' },
  erasure: { strategy: 'delete' },
});
