import { Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { isDomainError, RequestError } from '../../errors';
import { resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { ActionLinkArgs, ActionLinkView, ActionTokenExpiredError, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from './action-link.types';

const ActionLinkResult = resultUnion('ActionLinkResult', ActionLinkView, [ActionTokenInvalidError, ActionTokenExpiredError, ActionTokenUsedError]);
const ConfirmActionLinkResult = resultUnion('ConfirmActionLinkResult', ActionLinkView, [
  ActionTokenInvalidError,
  ActionTokenExpiredError,
  ActionTokenUsedError,
  WorkflowEventNotAcceptedError,
]);

function checkThrottle(ctx: RequestContext): void {
  const wait = ctx.services.links.throttled(ctx.ip);
  if (wait) throw new RequestError('RATE_LIMITED', `Too many unknown links tried: wait ${wait} s.`, { retryAfterSeconds: wait });
}

@Resolver()
export class ActionLinkResolver {
  @Query(() => ActionLinkResult, { description: 'What an email link will do. Changes nothing.' })
  async actionLink(@Args() { token }: ActionLinkArgs, @Ctx() ctx: RequestContext): Promise<typeof ActionLinkResult> {
    checkThrottle(ctx);
    const view = await ctx.services.links.preview(token, ctx.ip);
    return (isDomainError(view) ? view : ActionLinkView.from(view, false)) as typeof ActionLinkResult;
  }

  @Mutation(() => ConfirmActionLinkResult, { description: 'Uses an email link (once): what its page button does, for apps that render their own page.' })
  async confirmActionLink(@Args() { token }: ActionLinkArgs, @Ctx() ctx: RequestContext): Promise<typeof ConfirmActionLinkResult> {
    checkThrottle(ctx);
    const result = await ctx.services.links.confirm(token, ctx.ip, { actorId: ctx.actor?.subjectId, actorRole: ctx.actor ? 'subject' : 'anonymous', operation: 'confirmActionLink', requestId: ctx.requestId, ip: ctx.ip });
    return (isDomainError(result) ? result : ActionLinkView.from(result, true)) as typeof ConfirmActionLinkResult;
  }
}
