import { IsBoolean, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { signedInPerson } from '../auth-checker';
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
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

@ArgsType()
class SignInAsParentArgs {
  @Field({ description: 'The token of a parent-dashboard link (…/l/<token>), from requestParentDashboard’s mail.' })
  @IsString()
  @MaxLength(200)
  token!: string;
}

@ArgsType()
class ChildArgs {
  @Field(() => ID)
  @IsUUID()
  childId!: string;
}

@ArgsType()
class SetChildFeatureArgs extends ChildArgs {
  @Field({ description: 'A feature key of the policy (children.features).' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'feature must be a feature key such as personalized_content' })
  feature!: string;

  @Field()
  @IsBoolean()
  granted!: boolean;
}

/** The parent dashboard for apps: thin; the rules are in GuardianService and the parental-consent machine. */
@Resolver(() => Guardian)
export class GuardianResolver {
  @Mutation(() => SignInAsParentResult, {
    description: 'Uses a parent-dashboard link (once) as a sign-in for apps: a session of the parent (guardian role only, no password), created on first use. Ask for the link with requestParentDashboard.',
  })
  async signInAsParent(@Args() { token }: SignInAsParentArgs, @Ctx() ctx: RequestContext): Promise<typeof SignInAsParentResult> {
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
  async setChildFeature(@Args() { childId, feature, granted }: SetChildFeatureArgs, @Ctx() ctx: RequestContext): Promise<typeof SetChildFeatureResult> {
    return (await ctx.services.guardians.setChildFeature(ctx, childId, feature, granted)) as typeof SetChildFeatureResult;
  }

  @Authorized(Role.GUARDIAN)
  @Mutation(() => RevokeChildConsentResult, { description: 'Revokes the parent’s consent: the child account is restricted and collects nothing more; the child’s consents are withdrawn.' })
  async revokeChildConsent(@Args() { childId }: ChildArgs, @Ctx() ctx: RequestContext): Promise<typeof RevokeChildConsentResult> {
    return (await ctx.services.guardians.revokeChildConsent(ctx, childId)) as typeof RevokeChildConsentResult;
  }

  @Authorized(Role.GUARDIAN)
  @Mutation(() => DeleteChildDataResult, { description: 'Erases the child’s data and the parent’s address through the personal-data registry.' })
  async deleteChildData(@Args() { childId }: ChildArgs, @Ctx() ctx: RequestContext): Promise<typeof DeleteChildDataResult> {
    const result = await ctx.services.guardians.deleteChildData(ctx, childId);
    return (isDomainError(result) ? result : Object.assign(new ChildDataDeleted(), result)) as typeof DeleteChildDataResult;
  }
}
