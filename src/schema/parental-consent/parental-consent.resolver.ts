import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { RateLimitedError, UsernameTakenError } from '../identity/identity.errors';
import { isDomainError } from '../../errors';
import { DecideParentalVerificationInput, RegisterChildInput, RequestParentDashboardInput } from './parental-consent.inputs';
import { AgeGateDecisionMissingError, ChildRegistration, DateOfBirthMismatchError, ParentalVerificationCase, ParentalVerificationDecision, JointConsentRequiredError, ParentDashboardRequested, UsernameMismatchError } from './parental-consent.types';

const RegisterChildResult = resultUnion('RegisterChildResult', ChildRegistration, [AgeGateDecisionMissingError, DateOfBirthMismatchError, UsernameMismatchError, JointConsentRequiredError, UsernameTakenError, RateLimitedError]);
const DecideParentalVerificationResult = resultUnion('DecideParentalVerificationResult', ParentalVerificationDecision, [NotFoundError, WorkflowEventNotAcceptedError]);

const RequestParentDashboardResult = resultUnion('RequestParentDashboardResult', ParentDashboardRequested, [RateLimitedError]);

@Resolver()
export class ParentalConsentResolver {
  @Mutation(() => RegisterChildResult, {
    description:
      'Registers a child after the age gate asked for parental consent on this device, and mails the direct notice to the parent. Stores only a username, the parent’s email, the screened date of birth and jurisdiction. The gate’s answer is bound to the device and to the email/username tried: the registration needs the same date of birth and, when the gate was given an identifier, a username the gate was asked with (UsernameMismatchError otherwise); when the gate had none, the answer is bound to the device and date only. Attempts are limited per device (RATE_LIMIT_REGISTER_CHILD_DEVICE).',
  })
  async registerChild(@Arg('input') input: RegisterChildInput, @Ctx() ctx: RequestContext): Promise<typeof RegisterChildResult> {
    return (await ctx.services.parentalConsent.registerChild(ctx, input)) as typeof RegisterChildResult;
  }

  @Mutation(() => RequestParentDashboardResult, {
    description: 'A parent asks for the dashboard: each child with an active consent gets a one-use link mailed to this verified parent address (review the data, change features, revoke, delete).',
  })
  async requestParentDashboard(@Arg('input') input: RequestParentDashboardInput, @Ctx() ctx: RequestContext): Promise<typeof RequestParentDashboardResult> {
    const result = await ctx.services.parentalConsent.requestParentDashboard(ctx, input.email);
    if (isDomainError(result)) return result as typeof RequestParentDashboardResult;
    return { message: 'If this address belongs to a parent of a child account, we have sent a link to it.' };
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
