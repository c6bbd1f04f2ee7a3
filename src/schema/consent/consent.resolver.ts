import { Arg, Args, Ctx, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { isDomainError } from '../../errors';
import type { PurposeState } from '../../services/consent.service';
import { ErrorResult, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { CookieConsentInput, DeviceArgs } from './consent.input';
import { CookieConsentState } from './consent.types';

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The purpose or category is not one the policy asks consent for.' })
export class InvalidConsentPurposeError extends ErrorResult {}

const CookieConsentResult = resultUnion('CookieConsentResult', CookieConsentState, [InvalidConsentPurposeError]);

function toCookieState(ctx: RequestContext, states: PurposeState[]): CookieConsentState {
  const { policy } = ctx.services.policy;
  return {
    policyVersion: policy.version,
    needsDecision: states.some((s) => s.needsDecision),
    categories: policy.cookieCategories.map((c) => {
      const state = states.find((s) => s.purpose.key === `cookie.${c.key}`);
      return {
        category: c.key,
        strictlyNecessary: c.strictlyNecessary,
        granted: c.strictlyNecessary || !!state?.granted,
        decidedAt: state?.record?.recordedAt,
        expiresAt: state?.record?.expiresAt ?? undefined,
      };
    }),
  };
}

@Resolver()
export class ConsentResolver {
  @Query(() => CookieConsentState, { description: 'The cookie choices of a device: what the banner should show and what the site may set.' })
  async cookieConsent(@Args() { deviceId }: DeviceArgs, @Ctx() ctx: RequestContext): Promise<CookieConsentState> {
    return toCookieState(ctx, await ctx.services.consent.cookieState(deviceId));
  }

  @Mutation(() => CookieConsentResult, { description: 'Records a cookie banner’s choices (one per optional category). Withdrawing is the same call with granted: false.' })
  async recordCookieConsent(@Arg('input') input: CookieConsentInput, @Ctx() ctx: RequestContext): Promise<typeof CookieConsentResult> {
    const result = await ctx.services.consent.recordCookieChoices(input.deviceId, input.choices, { source: input.source ?? null, requestId: ctx.requestId });
    return isDomainError(result) ? (result as InvalidConsentPurposeError) : toCookieState(ctx, result);
  }
}
