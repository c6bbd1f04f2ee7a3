import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { isDomainError } from '../../errors';
import { TEEN_LIMITS } from '../../policy';
import { resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { AgeGateInput } from './age-gate.input';
import { AgeGateDecision, InvalidDateOfBirthError } from './age-gate.types';

const AgeGateResult = resultUnion('AgeGateResult', AgeGateDecision, [InvalidDateOfBirthError]);

@Resolver()
export class AgeGateResolver {
  @Mutation(() => AgeGateResult, {
    description: 'The neutral age screen for sign-up. Ask for the full date of birth with no default and no hint of the cut-off; the answer is bound to the device and identifier, so a retry with another date repeats the first (more protective) answer.',
  })
  async ageGate(@Arg('input') input: AgeGateInput, @Ctx() ctx: RequestContext): Promise<typeof AgeGateResult> {
    const answer = await ctx.services.ageGate.check(input);
    if (isDomainError(answer)) return answer as InvalidDateOfBirthError;
    return {
      ...answer,
      legalSource: answer.jurisdiction.citation,
      limits: answer.limits.map((limit) => ({ limit, description: TEEN_LIMITS[limit] })),
    } as AgeGateDecision;
  }
}
