import { IsBoolean, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { signedInPerson } from '../auth-checker';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { isDomainError } from '../../errors';
import { ActionTokenExpiredError, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { NotFoundError, resultUnion } from '../common/error-result';
import { checkThrottle } from '../common/link-throttle';
import type { RequestContext } from '../context';
import { mapResult, toAuthPayload } from '../identity/account.mappers';
import { AuthPayload } from '../identity/account.types';
import { ChildDataDeleted, FeatureNeedsVerificationError, Guardian, GuardianChild, UnknownChildFeatureError } from './guardian.types';

const SignInAsParentResult = resultUnion('SignInAsParentResult', AuthPayload, [ActionTokenInvalidError, ActionTokenExpiredError, ActionTokenUsedError, WorkflowEventNotAcceptedError]);
const SetChildFeatureResult = resultUnion('SetChildFeatureResult', GuardianChild, [NotFoundError, UnknownChildFeatureError, FeatureNeedsVerificationError, WorkflowEventNotAcceptedError]);
const RevokeChildConsentResult = resultUnion('RevokeChildConsentResult', GuardianChild, [NotFoundError, WorkflowEventNotAcceptedError]);
const DeleteChildDataResult = resultUnion('DeleteChildDataResult', ChildDataDeleted, [NotFoundError, WorkflowEventNotAcceptedError]);

@InputType({ description: 'A parent-dashboard link to sign in with.' })
class SignInAsParentInput {
  @Field({ description: 'The token of a parent-dashboard link (…/l/<token>), from requestParentDashboard’s mail.' })
  @IsString()
  @MaxLength(200)
  token!: string;
}

@InputType({ description: 'One of your children.' })
class ChildInput {
  @Field(() => ID, { description: 'The child’s id (GuardianChild.childId).' })
  @IsUUID()
  childId!: string;
}

@InputType({ description: 'A feature of one of your children to switch on or off.' })
class SetChildFeatureInput {
  @Field(() => ID, { description: 'The child’s id (GuardianChild.childId).' })
  @IsUUID()
  childId!: string;

  @Field({ description: 'A feature key of the policy (children.features).' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'feature must be a feature key such as personalized_content' })
  feature!: string;

  @Field({ description: 'True to switch the feature on, false to switch it off.' })
  @IsBoolean()
  granted!: boolean;
}

/** The parent dashboard for apps: thin; the rules are in GuardianService and the parental-consent machine. */
@Resolver(() => Guardian)
export class GuardianResolver {
  @Mutation(() => SignInAsParentResult, {
    description: 'Uses a parent-dashboard link (once) as a sign-in for apps: a session of the parent (guardian role only, no password), created on first use. Ask for the link with requestParentDashboard.',
  })
  async signInAsParent(@Arg('input', () => SignInAsParentInput, { description: 'The link’s token.' }) { token }: SignInAsParentInput, @Ctx() ctx: RequestContext): Promise<typeof SignInAsParentResult> {
    checkThrottle(ctx);
    return mapResult(await ctx.services.guardians.signIn(ctx, token), toAuthPayload) as typeof SignInAsParentResult;
  }

  @UseMiddleware(AuditedRead)
  @Query(() => Guardian, {
    nullable: true,
    description:
      'The signed-in parent’s dashboard, or null when the caller is not a parent (no session, or a person without the guardian role). An expired or revoked session is UNAUTHENTICATED; a service key is FORBIDDEN.',
  })
  guardian(@Ctx() ctx: RequestContext): Guardian | null {
    if (!signedInPerson(ctx) || !ctx.actor?.roles.includes(Role.GUARDIAN)) return null;
    return new Guardian();
  }

  @UseMiddleware(AuditedRead)
  @FieldResolver(() => [GuardianChild])
  children(@Ctx() ctx: RequestContext): Promise<GuardianChild[]> {
    return ctx.services.guardians.children(ctx);
  }

  @Authorized(Role.GUARDIAN)
  @Mutation(() => SetChildFeatureResult, { description: 'Switches one feature of the parent’s child on or off. Disclosing features can only be switched on after staff verification (consent page).' })
  async setChildFeature(@Arg('input', () => SetChildFeatureInput, { description: 'The child, the feature and the choice.' }) { childId, feature, granted }: SetChildFeatureInput, @Ctx() ctx: RequestContext): Promise<typeof SetChildFeatureResult> {
    return (await ctx.services.guardians.setChildFeature(ctx, childId, feature, granted)) as typeof SetChildFeatureResult;
  }

  @Authorized(Role.GUARDIAN)
  @Mutation(() => RevokeChildConsentResult, { description: 'Revokes the parent’s consent: the child account is restricted and collects nothing more; the child’s consents are withdrawn.' })
  async revokeChildConsent(@Arg('input', () => ChildInput, { description: 'The child.' }) { childId }: ChildInput, @Ctx() ctx: RequestContext): Promise<typeof RevokeChildConsentResult> {
    return (await ctx.services.guardians.revokeChildConsent(ctx, childId)) as typeof RevokeChildConsentResult;
  }

  @Authorized(Role.GUARDIAN)
  @Mutation(() => DeleteChildDataResult, { description: 'Erases the child’s data and the parent’s address through the personal-data registry.' })
  async deleteChildData(@Arg('input', () => ChildInput, { description: 'The child.' }) { childId }: ChildInput, @Ctx() ctx: RequestContext): Promise<typeof DeleteChildDataResult> {
    const result = await ctx.services.guardians.deleteChildData(ctx, childId);
    return (isDomainError(result) ? result : Object.assign(new ChildDataDeleted(), result)) as typeof DeleteChildDataResult;
  }
}
