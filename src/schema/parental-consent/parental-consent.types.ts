import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

@ObjectType({ simpleResolvers: true, description: 'The child account, waiting for a parent’s consent. The same answer whether or not we knew the parent’s email.' })
export class ChildRegistration {
  @Field(() => ID) childId!: string;
  @Field({ description: 'pending_parental_consent: the account can do nothing until a parent consents.' }) status!: string;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'This device has no age-gate answer asking for parental consent (within the retry window).' })
export class AgeGateDecisionMissingError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The date of birth differs from the one given at the age gate.' })
export class DateOfBirthMismatchError extends ErrorResult {}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'The age gate’s answer for this device was given for another email/username: a registration must use one the gate was asked with (or ask the gate again with this one). Nothing is written, and whether this username is taken is not looked up.',
})
export class UsernameMismatchError extends ErrorResult {}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'The age gate answered jointConsent (France under 15): the child must agree too (childAgrees: true) before the parent is asked. Nothing is written.',
})
export class JointConsentRequiredError extends ErrorResult {}

@ObjectType({ simpleResolvers: true, description: 'A parent who asked for disclosing features, waiting for privacy staff to verify them by a stronger method.' })
export class ParentalVerificationCase {
  @Field(() => ID) workflowId!: string;
  @Field(() => ID) childId!: string;
  @Field(() => [String], { description: 'Feature keys of the policy (children.features) that disclose.' }) requestedFeatures!: string[];
  @Field() since!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ParentalVerificationDecision {
  @Field(() => ID) workflowId!: string;
  @Field({ description: 'The parental-consent workflow’s state afterwards.' }) state!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The same answer whether or not the address belongs to a parent with an active consent.' })
export class ParentDashboardRequested {
  @Field() message!: string;
}
