import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { MAX_BULK_RETRY } from '../../mail/outbox.service';
import type { OutboxMessage } from '../../entities';
import { type ConnectionShape, connectionType } from '../common/connection';
import { ErrorResult } from '../common/error-result';
import { StaffPageArgs } from '../common/staff-page.args';

export enum OutboxMessageStatus {
  QUEUED = 'queued',
  SENDING = 'sending',
  SENT = 'sent',
  DEAD = 'dead',
}
registerEnumType(OutboxMessageStatus, { name: 'OutboxMessageStatus', description: 'queued → sending → sent | dead' });

@ObjectType('OutboxMessage', { description: 'A mail (or webhook) in the outbox, for staff: what, to whom, how it went.' })
export class OutboxMessageView {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'email, webhook, or job (work for an address, done by the outbox worker: its recipient is the address, its template the kind of work)' })
  channel!: string;

  @Field({ description: 'Email address or webhook URL.' })
  recipient!: string;

  @Field(() => String, { nullable: true })
  template!: string | null;

  @Field()
  locale!: string;

  @Field(() => OutboxMessageStatus)
  status!: OutboxMessageStatus;

  @Field(() => Int)
  attempts!: number;

  @Field({ description: 'When it is next tried (queued) or when its send lease ends (sending).' })
  nextAttemptAt!: Date;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field({ description: 'The Message-ID every attempt uses.' })
  messageId!: string;

  @Field(() => String, { nullable: true })
  workflowId!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  static from(row: OutboxMessage): OutboxMessageView {
    return Object.assign(new OutboxMessageView(), {
      id: row.id,
      channel: row.channel,
      recipient: row.recipient,
      template: row.template,
      locale: row.locale,
      status: row.status as OutboxMessageStatus,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
      messageId: row.messageId,
      workflowId: row.workflowId,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    });
  }
}

export const OutboxConnection = connectionType(OutboxMessageView, { name: 'Outbox', description: 'A page of the outbox: messages and webhooks, newest first.', nodeDescription: 'outbox message' });
export type OutboxConnection = ConnectionShape<OutboxMessageView>;

@ArgsType()
export class OutboxArgs extends StaffPageArgs {
  @Field(() => [OutboxMessageStatus], { nullable: true, description: 'Only these statuses (e.g. [DEAD]).' })
  @IsOptional()
  @IsIn(Object.values(OutboxMessageStatus), { each: true })
  status?: OutboxMessageStatus[];
}

@InputType({ description: 'Which outbox message to send again.' })
export class RetryOutboxMessageInput {
  @Field(() => ID, { description: 'The message (OutboxMessage.id).' })
  @IsUUID()
  messageId!: string;
}

@ObjectType('OutboxMessageNotRetryableError', { implements: ErrorResult, simpleResolvers: true, description: 'Only dead or queued messages can be retried.' })
export class OutboxMessageNotRetryableError extends ErrorResult {}

export enum OutboxMessageChannel {
  EMAIL = 'email',
  WEBHOOK = 'webhook',
}
registerEnumType(OutboxMessageChannel, { name: 'OutboxMessageChannel', description: 'email, or a signed webhook to a recipient' });

@InputType({ description: 'Which dead messages to send again: all of them, or of one channel or template.' })
export class RetryDeadOutboxMessagesInput {
  @Field(() => OutboxMessageChannel, { nullable: true, description: 'Only messages of this channel.' })
  @IsOptional()
  @IsIn(Object.values(OutboxMessageChannel))
  channel?: OutboxMessageChannel;

  @Field(() => String, { nullable: true, description: 'Only messages of this template (mail) or event (webhook), e.g. parental-consent-request.' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'template must be a template name such as parental-consent-request' })
  template?: string;

  @Field(() => Int, { defaultValue: 100, description: `At most this many (1–${MAX_BULK_RETRY}), the longest dead first; call again while hasMore.` })
  @IsInt()
  @Min(1)
  @Max(MAX_BULK_RETRY)
  limit!: number;
}

@ObjectType('RetriedOutboxMessages', { description: 'What a bulk retry queued again.' })
export class RetriedOutboxMessages {
  @Field(() => Int, { description: 'How many dead messages are queued again (with a fresh set of attempts).' })
  count!: number;

  @Field(() => [ID])
  ids!: string[];

  @Field({ description: 'More dead messages match: call again.' })
  hasMore!: boolean;
}
