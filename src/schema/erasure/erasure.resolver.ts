import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { mapResult } from '../identity/account.mappers';
import { ReauthenticationRequiredError } from '../identity/identity.errors';
import { CancelErasureArgs, ErasureAlreadyRequestedError, ErasureNotCancellableError, ErasureNotRetryableError, ErasureRequest, ErasureRequestArgs, InvalidErasureCategoriesError, RequestErasureInput } from './erasure.types';

const RequestErasureResult = resultUnion('RequestErasureResult', ErasureRequest, [ReauthenticationRequiredError, InvalidErasureCategoriesError, ErasureAlreadyRequestedError]);
const CancelErasureResult = resultUnion('CancelErasureResult', ErasureRequest, [NotFoundError, ErasureNotCancellableError]);
const RetryErasureResult = resultUnion('RetryErasureResult', ErasureRequest, [NotFoundError, ErasureNotRetryableError]);

@Resolver()
export class ErasureResolver {
  @Authorized()
  @Mutation(() => RequestErasureResult, {
    description: 'Asks to erase the account or some data categories. Needs the password (and second factor, if on) proved in the last ERASURE_REAUTH_WINDOW; then a mail asks for explicit confirmation.',
  })
  async requestErasure(@Arg('input') input: RequestErasureInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.erasure.request(ctx, { scope: input.scope, categories: input.categories }), ErasureRequest.from);
  }

  @Authorized()
  @Mutation(() => CancelErasureResult, { description: 'Cancels one’s own erasure request: before confirming, or within the cancel window after.' })
  async cancelErasure(@Args() { requestId }: CancelErasureArgs, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.erasure.cancel(ctx, requestId ?? null), ErasureRequest.from);
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => RetryErasureResult, { description: 'Staff: runs a failed erasure again (now).' })
  async retryErasure(@Args() { requestId }: ErasureRequestArgs, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.erasure.retry(ctx, requestId), ErasureRequest.from);
  }
}
