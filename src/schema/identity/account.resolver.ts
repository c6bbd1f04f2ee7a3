import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { signedInPerson } from '../auth-checker';
import { AuditedRead } from '../common/audited-read.middleware';
import { IsOptional, Matches, Max, Min } from 'class-validator';
import type { RequestContext } from '../context';
import { NotFoundError, resultUnion } from '../common/error-result';
import { AuditEventConnection } from '../audit/audit.types';
import { toAuditConnection } from '../audit/audit.mappers';
import { mapResult, toAuthPayload, toMe, toSession } from './account.mappers';
import { AuthPayload, Me, RegistrationPending, Session, Success } from './account.types';
import { ActionTokenExpiredError, ActionTokenInvalidError, ActionTokenUsedError, WorkflowEventNotAcceptedError } from '../action-link/action-link.types';
import { checkThrottle } from '../common/link-throttle';
import { ChangePasswordInput, ConfirmRegistrationInput, ReauthenticateInput, RegisterSubjectInput, RevokeSessionInput, SetupAccountInput, SignInInput, UpdateProfileInput } from './account.inputs';
import {
  InvalidCredentialsError,
  InvalidSecondFactorError,
  InvalidSetupTokenError,
  MfaNotEnabledError,
  ParentLinkAccessError,
  RateLimitedError,
  SecondFactorRequiredError,
  UsernameTakenError,
  WeakPasswordError,
} from './identity.errors';

const RegisterSubjectResult = resultUnion('RegisterSubjectResult', RegistrationPending, [WeakPasswordError, RateLimitedError]);
const ConfirmRegistrationResult = resultUnion('ConfirmRegistrationResult', AuthPayload, [
  InvalidCredentialsError,
  ActionTokenInvalidError,
  ActionTokenExpiredError,
  ActionTokenUsedError,
  WorkflowEventNotAcceptedError,
  RateLimitedError,
]);
const SignInResult = resultUnion('SignInResult', AuthPayload, [InvalidCredentialsError, SecondFactorRequiredError, InvalidSecondFactorError, RateLimitedError]);
const ChangePasswordResult = resultUnion('ChangePasswordResult', AuthPayload, [InvalidCredentialsError, WeakPasswordError, RateLimitedError, ParentLinkAccessError]);
const SetupAccountResult = resultUnion('SetupAccountResult', AuthPayload, [InvalidSetupTokenError, WeakPasswordError, RateLimitedError]);
const ReauthenticateResult = resultUnion('ReauthenticateResult', Session, [InvalidCredentialsError, InvalidSecondFactorError, MfaNotEnabledError, RateLimitedError]);
const UpdateProfileResult = resultUnion('UpdateProfileResult', Me, [UsernameTakenError, ParentLinkAccessError]);
const RevokeSessionResult = resultUnion('RevokeSessionResult', Success, [NotFoundError]);

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1–100.' }) @Min(1) @Max(100) first!: number;
  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,40}$/) after?: string;
}

@Resolver()
export class AccountResolver {
  @Mutation(() => RegisterSubjectResult, {
    description:
      'Starts a registration: answers RegistrationPending for every address (nobody can learn from it whether an address has an account). A new address gets a link that creates the account (confirmRegistration); an address with an account is told so by mail.',
  })
  async registerSubject(@Arg('input') input: RegisterSubjectInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.registrations.register(ctx, input), (pending) => Object.assign(new RegistrationPending(), pending));
  }

  @Mutation(() => ConfirmRegistrationResult, {
    description: 'Uses the sign-up link of registerSubject’s mail, with the password chosen there: creates the account and signs in. A wrong password counts against the link (locked after LINK_MAX_WRONG_ATTEMPTS).',
  })
  async confirmRegistration(@Arg('input') input: ConfirmRegistrationInput, @Ctx() ctx: RequestContext) {
    checkThrottle(ctx);
    return mapResult(await ctx.services.registrations.confirm(ctx, input.token, input.password, input.deviceName), toAuthPayload);
  }

  @Mutation(() => SignInResult, { description: 'Signs in with email and password (and the second factor where enabled). The same error whatever is wrong.' })
  async signIn(@Arg('input') input: SignInInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.sessions.signIn(ctx, input), toAuthPayload);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends this session.' })
  signOut(@Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.sessions.signOut(ctx);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Ends every session of the account, this one included; answers how many.' })
  signOutEverywhere(@Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.sessions.signOutEverywhere(ctx);
  }

  @Authorized()
  @Mutation(() => RevokeSessionResult, { description: 'Signed in: ends one of your own sessions (e.g. a lost phone). Answers Success, or NotFoundError for a session that is not yours or already ended.' })
  async revokeSession(@Arg('input', () => RevokeSessionInput, { description: 'The session to end.' }) input: RevokeSessionInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.sessions.revoke(ctx, input.sessionId), () => ({ ok: true }) as Success);
  }

  @Authorized()
  @Mutation(() => ChangePasswordResult, { description: 'Changes the password; every session is ended and a new one is returned for this device.' })
  async changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.changePassword(ctx, input.currentPassword, input.newPassword), toAuthPayload);
  }

  @Authorized()
  @Mutation(() => ReauthenticateResult, { description: 'Proves the password (and the second factor) again for this session, for operations that ask for a recent proof.' })
  async reauthenticate(@Arg('input') input: ReauthenticateInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.sessions.reauthenticate(ctx, input.password, input), (s) => toSession(s, ctx.actor?.sessionId));
  }

  @Mutation(() => SetupAccountResult, { description: 'Sets the first password of an account created by `npm run admin:create`, with its one-time token; signs in.' })
  async setupAccount(@Arg('input') input: SetupAccountInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.setupAccount(ctx, input.token, input.password), toAuthPayload);
  }

  @UseMiddleware(AuditedRead)
  @Query(() => Me, {
    nullable: true,
    description:
      'The signed-in person’s account, or null when the request carries no session (so a public page can ask for it alongside public data). An expired or revoked session is UNAUTHENTICATED; a service key is FORBIDDEN. The read is recorded in the audit trail.',
  })
  async me(@Ctx() ctx: RequestContext): Promise<Me | null> {
    if (!signedInPerson(ctx)) return null;
    return toMe(await ctx.services.subjects.me(ctx));
  }

  @Authorized()
  @Mutation(() => UpdateProfileResult, { description: 'Edits your account and profile data. To change the email, use the email-change confirmation.' })
  async updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.updateProfile(ctx, input), toMe);
  }
}

@Resolver(() => Me)
export class MeResolver {
  @UseMiddleware(AuditedRead)
  @FieldResolver(() => [Session], { description: 'Your active sessions.' })
  async sessions(@Ctx() ctx: RequestContext): Promise<Session[]> {
    return (await ctx.services.sessions.list(ctx)).map((s) => toSession(s, ctx.actor?.sessionId));
  }

  @UseMiddleware(AuditedRead)
  @FieldResolver(() => AuditEventConnection, { description: 'Who read or changed your data, newest first.' })
  async auditTrail(@Root() me: Me, @Args() page: PageArgs, @Ctx() ctx: RequestContext): Promise<AuditEventConnection> {
    return toAuditConnection(await ctx.services.audit.readTrail(ctx, { subjectId: me.id, first: page.first, after: page.after }, 'subject'));
  }
}
