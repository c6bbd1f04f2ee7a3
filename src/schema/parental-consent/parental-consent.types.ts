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

@ObjectType('ChildAccountState', { simpleResolvers: true, description: 'A child account as the site’s apps need it: its status, the parental consent’s, and whether the settings wait for the teen’s own confirmation (after the age-up), so the app can prompt the teen.' })
export class ChildAccountState {
  @Field(() => ID) childId!: string;
  @Field({ description: 'The account: pending_parental_consent, active, restricted.' }) status!: string;
  @Field({ description: 'The parental consent: pending, awaiting_verification, active, revoked, aged_up.' }) consentStatus!: string;
  @Field({ description: 'True from the birthday at the local age of digital consent until the teen confirms the settings on the handover page (or its link expires).' }) awaitingTeenConfirmation!: boolean;
  @Field(() => Date, { nullable: true, description: 'While awaitingTeenConfirmation: when the handover link expires and the settings stay as they are.' }) teenConfirmationDueAt!: Date | null;
}
