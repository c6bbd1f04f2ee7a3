import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { RateLimitedError, ReauthenticationRequiredError } from '../identity/identity.errors';
import { EmailChangeRequestedView, RequestEmailChangeInput } from './email-change.types';

const RequestEmailChangeResult = resultUnion('RequestEmailChangeResult', EmailChangeRequestedView, [ReauthenticationRequiredError, RateLimitedError]);

@Resolver()
export class EmailChangeResolver {
  @Authorized()
  @Mutation(() => RequestEmailChangeResult, {
    description: 'Asks to change your email: a single-use link goes to the new address, and the email changes only when it is used (before EMAIL_CHANGE_LINK_TTL). Needs a recent password (reauthenticate).',
  })
  async requestEmailChange(@Arg('input') input: RequestEmailChangeInput, @Ctx() ctx: RequestContext): Promise<typeof RequestEmailChangeResult> {
    return (await ctx.services.emailChange.request(ctx, input.newEmail)) as typeof RequestEmailChangeResult;
  }
}
