import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { NotFoundError, resultUnion } from '../common/error-result';
import { ConfirmTotpInput } from './account.inputs';
import { mapResult } from './account.mappers';
import { RecoveryCodes, Success, TotpEnrollment } from './account.types';
import { InvalidSecondFactorError, MfaAlreadyEnabledError, MfaNotEnabledError, RateLimitedError, ReauthenticationRequiredError } from './identity.errors';

const EnrollTotpResult = resultUnion('EnrollTotpResult', TotpEnrollment, [MfaAlreadyEnabledError, ReauthenticationRequiredError]);
const ConfirmTotpResult = resultUnion('ConfirmTotpResult', RecoveryCodes, [InvalidSecondFactorError, MfaAlreadyEnabledError, NotFoundError, RateLimitedError]);
const DisableTotpResult = resultUnion('DisableTotpResult', Success, [MfaNotEnabledError, ReauthenticationRequiredError]);
const RegenerateRecoveryCodesResult = resultUnion('RegenerateRecoveryCodesResult', RecoveryCodes, [MfaNotEnabledError, ReauthenticationRequiredError]);

@Resolver()
export class MfaResolver {
  @Authorized()
  @Mutation(() => EnrollTotpResult, { description: 'Starts two-factor enrolment (needs the password proved in the last 30 minutes).' })
  async enrollTotp(@Ctx() ctx: RequestContext) {
    return ctx.services.mfa.enroll(ctx);
  }

  @Authorized()
  @Mutation(() => ConfirmTotpResult, { description: 'Turns two-factor authentication on with a first code; returns the recovery codes, once.' })
  async confirmTotp(@Arg('input', () => ConfirmTotpInput, { description: 'The first code the authenticator app shows.' }) input: ConfirmTotpInput, @Ctx() ctx: RequestContext) {
    return ctx.services.mfa.confirm(ctx, input.code);
  }

  @Authorized()
  @Mutation(() => DisableTotpResult, { description: 'Turns two-factor authentication off (needs the second factor proved in the last 10 minutes).' })
  async disableTotp(@Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.mfa.disable(ctx), () => ({ ok: true }) as Success);
  }

  @Authorized()
  @Mutation(() => RegenerateRecoveryCodesResult, { description: 'Replaces the recovery codes (needs the second factor proved in the last 10 minutes).' })
  async regenerateRecoveryCodes(@Ctx() ctx: RequestContext) {
    return ctx.services.mfa.regenerateRecoveryCodes(ctx);
  }
}

