import { Arg, Authorized, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import { IsString, MaxLength } from 'class-validator';
import { ActionTokenExpiredError, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { mapResult } from '../identity/account.mappers';
import { NotFoundError, resultUnion } from '../common/error-result';
import { checkThrottle } from '../common/link-throttle';
import type { RequestContext } from '../context';
import { GuardianAccountLinked, GuardianAccountNotEligibleError, GuardianAccountUnlinked } from './guardian-account.types';

const LinkGuardianAccountResult = resultUnion('LinkGuardianAccountResult', GuardianAccountLinked, [
  GuardianAccountNotEligibleError,
  ActionTokenInvalidError,
  ActionTokenExpiredError,
  ActionTokenUsedError,
  WorkflowEventNotAcceptedError,
]);
const UnlinkGuardianAccountResult = resultUnion('UnlinkGuardianAccountResult', GuardianAccountUnlinked, [NotFoundError]);

@InputType({ description: 'A parent-dashboard link proving control of the parent address.' })
class LinkGuardianAccountInput {
  @Field({ description: 'The token of a parent-dashboard link (…/l/<token>) from requestParentDashboard’s mail: proof of control of the verified parent address.' })
  @IsString()
  @MaxLength(200)
  token!: string;
}

/** A parent's own account, linked to the children of a verified parent address: thin; the rules are in GuardianService. */
@Resolver()
export class GuardianAccountResolver {
  @Authorized()
  @Mutation(() => LinkGuardianAccountResult, {
    description:
      'Links the signed-in account (own password, and two-factor if enabled) as a parent’s account, with a one-use parent-dashboard link (requestParentDashboard) as proof of control of the verified parent address; an email match alone grants nothing. The account then holds the guardian role for every child of that address and uses guardian, setChildFeature, revokeChildConsent and deleteChildData with its own sessions (roles are read per request: at once). The address’s dashboard links keep working. Audited on the account and on each child.',
  })
  async linkGuardianAccount(@Arg('input', () => LinkGuardianAccountInput, { description: 'The link’s token.' }) { token }: LinkGuardianAccountInput, @Ctx() ctx: RequestContext): Promise<typeof LinkGuardianAccountResult> {
    checkThrottle(ctx);
    return mapResult(await ctx.services.guardians.linkAccount(ctx, token), (r) => Object.assign(new GuardianAccountLinked(), r)) as typeof LinkGuardianAccountResult;
  }

  @Authorized()
  @Mutation(() => UnlinkGuardianAccountResult, {
    description: 'Unlinks the signed-in account from every parent address it was linked to: the guardian role goes at once. Audited on the account and on each child.',
  })
  async unlinkGuardianAccount(@Ctx() ctx: RequestContext): Promise<typeof UnlinkGuardianAccountResult> {
    return mapResult(await ctx.services.guardians.unlinkAccount(ctx), (r) => Object.assign(new GuardianAccountUnlinked(), r)) as typeof UnlinkGuardianAccountResult;
  }
}
