import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { RateLimitedError, UsernameTakenError } from '../identity/identity.errors';
import { isDomainError } from '../../errors';
import { DecideParentalVerificationInput, RegisterChildInput, RequestParentDashboardInput } from './parental-consent.inputs';
import { AgeGateDecisionMissingError, ChildAccountState, ChildRegistration, DateOfBirthMismatchError, ParentalVerificationCase, ParentalVerificationDecision, ParentDashboardRequested } from './parental-consent.types';

const RegisterChildResult = resultUnion('RegisterChildResult', ChildRegistration, [AgeGateDecisionMissingError, DateOfBirthMismatchError, UsernameTakenError, RateLimitedError]);
const DecideParentalVerificationResult = resultUnion('DecideParentalVerificationResult', ParentalVerificationDecision, [NotFoundError, WorkflowEventNotAcceptedError]);

const ChildAccountResult = resultUnion('ChildAccountResult', ChildAccountState, [NotFoundError]);
const RequestParentDashboardResult = resultUnion('RequestParentDashboardResult', ParentDashboardRequested, [RateLimitedError]);

@Resolver()
export class ParentalConsentResolver {
  @Mutation(() => RegisterChildResult, {
    description: 'Registers a child after the age gate asked for parental consent on this device, and mails the direct notice to the parent. Stores only a username, the parent’s email, the screened date of birth and jurisdiction.',
  })
  async registerChild(@Arg('input') input: RegisterChildInput, @Ctx() ctx: RequestContext): Promise<typeof RegisterChildResult> {
    return (await ctx.services.parentalConsent.registerChild(ctx, input)) as typeof RegisterChildResult;
  }

  @Mutation(() => RequestParentDashboardResult, {
    description: 'A parent asks for the dashboard: each child with an active consent gets a one-use link mailed to this verified parent address (review the data, change features, revoke, delete); a child whose consent was revoked, one to review and delete.',
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
  @Query(() => ChildAccountResult, { description: 'For the site’s apps (a staff-role service account): a child account’s status, and whether its settings await the teen’s confirmation after the age-up. Audited.' })
  async childAccount(@Arg('childId', () => ID) childId: string, @Ctx() ctx: RequestContext): Promise<typeof ChildAccountResult> {
    return (await ctx.services.parentalConsent.childAccount(ctx, childId)) as typeof ChildAccountResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => DecideParentalVerificationResult, { description: 'Staff: approve or reject the disclosing features after verifying the parent (signed form, call or video), with a note.' })
  async decideParentalVerification(@Arg('input') input: DecideParentalVerificationInput, @Ctx() ctx: RequestContext): Promise<typeof DecideParentalVerificationResult> {
    const result = await ctx.services.parentalConsent.decideVerification(ctx, input.workflowId, input.approve, input.note);
    return result as typeof DecideParentalVerificationResult;
  }
}
