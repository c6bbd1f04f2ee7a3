import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { ActionTokenExpiredError, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { NotFoundError, resultUnion } from '../common/error-result';
import { checkThrottle } from '../common/link-throttle';
import type { RequestContext } from '../context';
import { RateLimitedError, UsernameTakenError } from '../identity/identity.errors';
import { isDomainError } from '../../errors';
import { DecideParentalVerificationInput, RegisterChildInput, RequestParentDashboardInput, SubmitParentalVerificationInput } from './parental-consent.inputs';
import {
  AgeGateDecisionMissingError,
  ChildAccountState,
  CallRequestInvalidError,
  EvidenceEmptyError,
  EvidenceTooLargeError,
  EvidenceTypeError,
  ChildRegistration,
  DateOfBirthMismatchError,
  JointConsentRequiredError,
  UsernameMismatchError,
  ParentalVerificationCase,
  ParentalVerificationDecision,
  ParentalVerificationDocument,
  ParentalVerificationSubmitted,
  ParentDashboardRequested,
  ParentVerificationMethodValue,
} from './parental-consent.types';

const RegisterChildResult = resultUnion('RegisterChildResult', ChildRegistration, [AgeGateDecisionMissingError, DateOfBirthMismatchError, UsernameMismatchError, JointConsentRequiredError, UsernameTakenError, RateLimitedError]);
const DecideParentalVerificationResult = resultUnion('DecideParentalVerificationResult', ParentalVerificationDecision, [NotFoundError, WorkflowEventNotAcceptedError]);

const ParentalVerificationDocumentResult = resultUnion('ParentalVerificationDocumentResult', ParentalVerificationDocument, [NotFoundError]);

const SubmitParentalVerificationResult = resultUnion('SubmitParentalVerificationResult', ParentalVerificationSubmitted, [
  EvidenceEmptyError,
  EvidenceTooLargeError,
  EvidenceTypeError,
  CallRequestInvalidError,
  ActionTokenInvalidError,
  ActionTokenExpiredError,
  ActionTokenUsedError,
  WorkflowEventNotAcceptedError,
]);

const ChildAccountResult = resultUnion('ChildAccountResult', ChildAccountState, [NotFoundError]);
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
    description: 'A parent asks for the dashboard: each child with an active consent gets a one-use link mailed to this verified parent address (review the data, change features, revoke, delete); a child whose consent was revoked, one to review and delete.',
  })
  async requestParentDashboard(@Arg('input') input: RequestParentDashboardInput, @Ctx() ctx: RequestContext): Promise<typeof RequestParentDashboardResult> {
    const result = await ctx.services.parentalConsent.requestParentDashboard(ctx, input.email);
    if (isDomainError(result)) return result as typeof RequestParentDashboardResult;
    return { message: 'If this address belongs to a parent of a child account, we have sent a link to it.' };
  }

  @Mutation(() => SubmitParentalVerificationResult, {
    description: 'The verification page for apps (no session: the link is the proof): a signed consent form or a request for a call or video check, with the token of the verification link. Uses the link once.',
  })
  async submitParentalVerification(@Arg('input') input: SubmitParentalVerificationInput, @Ctx() ctx: RequestContext): Promise<typeof SubmitParentalVerificationResult> {
    checkThrottle(ctx);
    const { token, signedFormBase64, callRequest } = input;
    const result = await ctx.services.parentalEvidence.submitWithToken(ctx, token, {
      signedFormBase64,
      callRequest: callRequest && { channel: callRequest.channel as 'phone_call' | 'video_call', contact: callRequest.contact, preferredTime: callRequest.preferredTime ?? '' },
    });
    if (isDomainError(result)) return result as typeof SubmitParentalVerificationResult;
    return { message: 'Thank you: privacy staff will verify and tell the parent by email.' };
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => [ParentalVerificationCase], { description: 'Staff: parents waiting for a stronger verification (disclosing features), oldest first.' })
  async parentalVerificationQueue(@Ctx() ctx: RequestContext): Promise<ParentalVerificationCase[]> {
    const cases = await ctx.services.parentalConsent.verificationQueue(ctx);
    return cases.map((c) => ({ ...c, evidence: c.evidence && { ...c.evidence, method: c.evidence.method as ParentVerificationMethodValue } }));
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => ParentalVerificationDocumentResult, { description: 'Staff: a signed consent form a parent uploaded (evidenceId from parentalVerificationQueue), decrypted; each read is audited.' })
  async parentalVerificationDocument(@Arg('evidenceId', () => ID) evidenceId: string, @Ctx() ctx: RequestContext): Promise<typeof ParentalVerificationDocumentResult> {
    const result = await ctx.services.parentalEvidence.read(ctx, evidenceId);
    if (isDomainError(result)) return result as typeof ParentalVerificationDocumentResult;
    const { content, ...rest } = result;
    return { ...rest, contentBase64: content.toString('base64') };
  }

  @Authorized(Role.SERVICE, Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => ChildAccountResult, { description: 'For the site’s apps (a service key, or staff): a child account’s status, and whether its settings await the teen’s confirmation after the age-up. Audited.' })
  async childAccount(@Arg('childId', () => ID) childId: string, @Ctx() ctx: RequestContext): Promise<typeof ChildAccountResult> {
    return (await ctx.services.parentalConsent.childAccount(ctx, childId)) as typeof ChildAccountResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => DecideParentalVerificationResult, { description: 'Staff: approve or reject the disclosing features after verifying the parent (signed form, call or video), with a note.' })
  async decideParentalVerification(@Arg('input') input: DecideParentalVerificationInput, @Ctx() ctx: RequestContext): Promise<typeof DecideParentalVerificationResult> {
    const result = await ctx.services.parentalConsent.decideVerification(ctx, input.workflowId, input.approve, input.note, input.method);
    return result as typeof DecideParentalVerificationResult;
  }
}
