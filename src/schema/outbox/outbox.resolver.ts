import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { isDomainError } from '../../errors';
import { NotFoundError, resultUnion } from '../common/error-result';
import { toConnection } from '../common/connection';
import type { RequestContext } from '../context';
import { OutboxArgs, OutboxConnection, OutboxMessageNotRetryableError, OutboxMessageView, RetriedOutboxMessages, RetryDeadOutboxMessagesInput, RetryOutboxMessageInput } from './outbox.types';

const RetryDeadOutboxMessagesResult = resultUnion('RetryDeadOutboxMessagesResult', RetriedOutboxMessages, [], 'The dead messages queued again, or why the request could not be taken.');
const RetryOutboxMessageResult = resultUnion('RetryOutboxMessageResult', OutboxMessageView, [NotFoundError, OutboxMessageNotRetryableError]);

@Resolver()
export class OutboxResolver {
  @Authorized(Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => OutboxConnection, { description: 'Staff: the mail outbox, newest first (filter by status, e.g. DEAD).' })
  async outbox(@Args() args: OutboxArgs, @Ctx() ctx: RequestContext): Promise<OutboxConnection> {
    const page = await ctx.services.outbox.list({ statuses: args.status, first: args.first, after: args.after }, { actorId: ctx.actor?.subjectId, requestId: ctx.requestId, ip: ctx.ip });
    return toConnection({ items: page.items.map((row) => ({ cursor: row.id, node: OutboxMessageView.from(row) })), hasNextPage: page.hasNextPage });
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => RetryOutboxMessageResult, { description: 'Staff: send a dead (or waiting) message again now, with a fresh set of attempts.' })
  async retryOutboxMessage(@Arg('input', () => RetryOutboxMessageInput, { description: 'The message to send again.' }) input: RetryOutboxMessageInput, @Ctx() ctx: RequestContext): Promise<typeof RetryOutboxMessageResult> {
    const result = await ctx.services.outbox.retry(input.messageId, { actorId: ctx.actor?.subjectId, requestId: ctx.requestId, ip: ctx.ip });
    return (isDomainError(result) ? result : OutboxMessageView.from(result)) as typeof RetryOutboxMessageResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => RetryDeadOutboxMessagesResult, { description: 'Staff: send dead messages again now (all, or of one channel or template), each with a fresh set of attempts; at most `limit` per call.' })
  async retryDeadOutboxMessages(@Arg('input', () => RetryDeadOutboxMessagesInput, { description: 'Which dead messages to send again, and how many at most.' }) args: RetryDeadOutboxMessagesInput, @Ctx() ctx: RequestContext): Promise<typeof RetryDeadOutboxMessagesResult> {
    const { ids, hasMore } = await ctx.services.outbox.retryDead({ channel: args.channel, template: args.template, limit: args.limit }, { actorId: ctx.actor?.subjectId, requestId: ctx.requestId, ip: ctx.ip });
    return Object.assign(new RetriedOutboxMessages(), { count: ids.length, ids, hasMore });
  }
}
