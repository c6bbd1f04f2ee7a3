import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { isDomainError } from '../../errors';
import { resultUnion } from '../common/error-result';
import { checkThrottle } from '../common/link-throttle';
import type { RequestContext } from '../context';
import { ActionLinkArgs, ActionLinkIncompleteError, ActionLinkView, ActionTokenExpiredError, ConfirmActionLinkInput, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from './action-link.types';

const ActionLinkResult = resultUnion('ActionLinkResult', ActionLinkView, [ActionTokenInvalidError, ActionTokenExpiredError, ActionTokenUsedError]);
const ConfirmActionLinkResult = resultUnion('ConfirmActionLinkResult', ActionLinkView, [
  ActionTokenInvalidError,
  ActionTokenExpiredError,
  ActionTokenUsedError,
  WorkflowEventNotAcceptedError,
  ActionLinkIncompleteError,
]);


@Resolver()
export class ActionLinkResolver {
  @Query(() => ActionLinkResult, { description: 'What an email link will do. Changes nothing.' })
  async actionLink(@Args() { token }: ActionLinkArgs, @Ctx() ctx: RequestContext): Promise<typeof ActionLinkResult> {
    checkThrottle(ctx);
    const view = await ctx.services.links.preview(token, ctx.ip);
    return (isDomainError(view) ? view : ActionLinkView.from(view, false, await ctx.services.links.choices(view))) as typeof ActionLinkResult;
  }

  @Mutation(() => ConfirmActionLinkResult, { description: 'Uses an email link (once): what its page button does, for apps that render their own page. A link whose page is a form (ActionLink.choices) takes its answers as fields, like the page’s POST.' })
  async confirmActionLink(@Arg('input', () => ConfirmActionLinkInput, { description: 'The link’s token and the answers its form asks for.' }) { token, fields }: ConfirmActionLinkInput, @Ctx() ctx: RequestContext): Promise<typeof ConfirmActionLinkResult> {
    checkThrottle(ctx);
    // As a form post arrives: one value as a string, several (checkboxes) as a list.
    const submitted: Record<string, string | string[]> = {};
    for (const f of fields ?? []) {
      const values = [...[submitted[f.name] ?? []].flat(), ...f.values];
      submitted[f.name] = values.length === 1 ? values[0] : values;
    }
    const by = { actorId: ctx.actor?.subjectId, actorRole: ctx.actor ? 'subject' : 'anonymous', operation: 'confirmActionLink', requestId: ctx.requestId, ip: ctx.ip };
    const result = await ctx.services.links.submit(token, ctx.ip, by, submitted);
    return (isDomainError(result) ? result : ActionLinkView.from(result, true)) as typeof ConfirmActionLinkResult;
  }
}
