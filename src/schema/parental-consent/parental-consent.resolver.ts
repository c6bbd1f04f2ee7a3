import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { RateLimitedError, UsernameTakenError } from '../identity/identity.errors';
import { DecideParentalVerificationInput, RegisterChildInput } from './parental-consent.inputs';
import { AgeGateDecisionMissingError, ChildRegistration, DateOfBirthMismatchError, ParentalVerificationCase, ParentalVerificationDecision } from './parental-consent.types';

const RegisterChildResult = resultUnion('RegisterChildResult', ChildRegistration, [AgeGateDecisionMissingError, DateOfBirthMismatchError, UsernameTakenError, RateLimitedError]);
const DecideParentalVerificationResult = resultUnion('DecideParentalVerificationResult', ParentalVerificationDecision, [NotFoundError, WorkflowEventNotAcceptedError]);

@Resolver()
export class ParentalConsentResolver {
  @Mutation(() => RegisterChildResult, {
    description: 'Registers a child after the age gate asked for parental consent on this device, and mails the direct notice to the parent. Stores only a username, the parent’s email, the screened date of birth and jurisdiction.',
  })
  async registerChild(@Arg('input') input: RegisterChildInput, @Ctx() ctx: RequestContext): Promise<typeof RegisterChildResult> {
    return (await ctx.services.parentalConsent.registerChild(ctx, input)) as typeof RegisterChildResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Query(() => [ParentalVerificationCase], { description: 'Staff: parents waiting for a stronger verification (disclosing features), oldest first.' })
  async parentalVerificationQueue(@Ctx() ctx: RequestContext): Promise<ParentalVerificationCase[]> {
    return ctx.services.parentalConsent.verificationQueue();
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => DecideParentalVerificationResult, { description: 'Staff: approve or reject the disclosing features after verifying the parent (signed form, call or video), with a note.' })
  async decideParentalVerification(@Arg('input') input: DecideParentalVerificationInput, @Ctx() ctx: RequestContext): Promise<typeof DecideParentalVerificationResult> {
    const result = await ctx.services.parentalConsent.decideVerification(ctx, input.workflowId, input.approve, input.note);
    return result as typeof DecideParentalVerificationResult;
  }
}
