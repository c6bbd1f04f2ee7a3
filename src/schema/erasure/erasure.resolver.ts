import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { mapResult } from '../identity/account.mappers';
import { ReauthenticationRequiredError } from '../identity/identity.errors';
import { CancelErasureInput, ErasureAlreadyRequestedError, ErasureNotCancellableError, ErasureNotRetryableError, ErasureRequest, RetryErasureInput, InvalidErasureCategoriesError, RequestErasureInput } from './erasure.types';

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
  async cancelErasure(@Arg('input', () => CancelErasureInput, { description: 'Which request to cancel (empty for the one in progress).' }) { requestId }: CancelErasureInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.erasure.cancel(ctx, requestId ?? null), ErasureRequest.from);
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => RetryErasureResult, { description: 'Staff: runs a failed erasure again (now).' })
  async retryErasure(@Arg('input', () => RetryErasureInput, { description: 'Which request to retry.' }) { requestId }: RetryErasureInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.erasure.retry(ctx, requestId), ErasureRequest.from);
  }
}
