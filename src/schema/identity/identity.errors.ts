import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

export enum ReauthenticationFactor {
  PASSWORD = 'password',
  SECOND_FACTOR = 'second_factor',
}
registerEnumType(ReauthenticationFactor, { name: 'ReauthenticationFactor', description: 'What a step-up check asks to prove again.' });

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The email or password is not right (the same answer whether or not the account exists).' })
export class InvalidCredentialsError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The password breaks a rule; `reasons` says which, in words for the person.' })
export class WeakPasswordError extends ErrorResult {
  @Field(() => [String]) reasons!: string[];
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Another profile already has this username.' })
export class UsernameTakenError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The account has two-factor authentication: send totpCode or recoveryCode too.' })
export class SecondFactorRequiredError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The authenticator or recovery code is wrong, expired or already used.' })
export class InvalidSecondFactorError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'This operation needs a recent proof of the password or second factor: call reauthenticate, then retry.' })
export class ReauthenticationRequiredError extends ErrorResult {
  @Field(() => ReauthenticationFactor) factor!: ReauthenticationFactor;
  @Field(() => Int, { description: 'How recent the proof must be.' }) maxAgeMinutes!: number;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Two-factor authentication is already on.' })
export class MfaAlreadyEnabledError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Two-factor authentication is not on for this account.' })
export class MfaNotEnabledError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The one-time setup token is unknown, used or expired.' })
export class InvalidSetupTokenError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Too many attempts from this account or address: retry after `retryAfterSeconds`.' })
export class RateLimitedError extends ErrorResult {
  @Field(() => Int) retryAfterSeconds!: number;
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'Signed in with a parent’s dashboard link (signInAsParent): that access has no password and no profile. To have them, sign up with your own account and link it (linkGuardianAccount).',
})
export class ParentLinkAccessError extends ErrorResult {}
