import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { isDomainError } from '../../errors';
import type { PurposeState } from '../../services/consent/consent.service';
import { ErrorResult, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { Me } from '../identity/account.types';
import { CookieConsentInput, DeviceArgs, RecordConsentInput, WithdrawConsentInput } from './consent.input';
import { ConsentState, CookieConsentState } from './consent.types';

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The purpose or category is not one the policy asks consent for.' })
export class InvalidConsentPurposeError extends ErrorResult {}

const CookieConsentResult = resultUnion('CookieConsentResult', CookieConsentState, [InvalidConsentPurposeError]);
const RecordConsentResult = resultUnion('RecordConsentResult', ConsentState, [InvalidConsentPurposeError]);

export function toConsentState(state: PurposeState): ConsentState {
  return {
    purpose: state.purpose.key,
    name: state.purpose.name,
    kind: state.purpose.kind,
    granted: state.granted,
    needsDecision: state.needsDecision,
    decision: state.record?.decision,
    method: state.record?.method,
    givenBy: state.record?.givenBy,
    decidedAt: state.record?.recordedAt,
    expiresAt: state.record?.expiresAt ?? undefined,
  };
}

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

@Resolver()
export class SubjectConsentResolver {
  @Authorized()
  @Mutation(() => RecordConsentResult, { description: 'Gives or refuses your consent for a purpose you decide in your settings.' })
  async recordConsent(@Arg('input') input: RecordConsentInput, @Ctx() ctx: RequestContext): Promise<typeof RecordConsentResult> {
    const result = await ctx.services.consent.decideForSelf(ctx, input.purpose, input.granted);
    return isDomainError(result) ? (result as InvalidConsentPurposeError) : toConsentState(result);
  }

  @Authorized()
  @Mutation(() => RecordConsentResult, { description: 'Withdraws your consent for a purpose: as easy as giving it (GDPR Art 7(3)).' })
  async withdrawConsent(@Arg('input', () => WithdrawConsentInput, { description: 'The purpose to withdraw.' }) { purpose }: WithdrawConsentInput, @Ctx() ctx: RequestContext): Promise<typeof RecordConsentResult> {
    const result = await ctx.services.consent.decideForSelf(ctx, purpose, false);
    return isDomainError(result) ? (result as InvalidConsentPurposeError) : toConsentState(result);
  }
}

@Resolver(() => Me)
export class MeConsentResolver {
  @UseMiddleware(AuditedRead)
  @FieldResolver(() => [ConsentState], { description: 'Your consent for every purpose the policy asks about (the read is recorded in the audit trail).' })
  async consents(@Root() me: Me, @Ctx() ctx: RequestContext): Promise<ConsentState[]> {
    return (await ctx.services.consent.subjectState(ctx, me.id)).map(toConsentState);
  }
}
