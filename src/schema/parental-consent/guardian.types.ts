import { ChildAccountStatusEnum, ParentalConsentStateEnum, ParentalConsentStatusEnum } from './child-status.enums';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

@ObjectType({ simpleResolvers: true, description: 'A feature of children’s accounts (policy children.features) and whether the parent allows it.' })
export class ChildPermission {
  @Field() feature!: string;
  @Field({ description: 'True: it makes the child’s information visible to others (switching it on needs staff verification).' }) disclosure!: boolean;
  @Field() granted!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ChildConsentState {
  @Field() purpose!: string;
  @Field() granted!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'One stored value of the child.' })
export class ChildDataField {
  @Field() entity!: string;
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType({ simpleResolvers: true, description: 'What we hold about the child in one data category of the policy.' })
export class ChildDataCategory {
  @Field() category!: string;
  @Field(() => [ChildDataField]) fields!: ChildDataField[];
}

export enum GuardianChildAction {
  CHANGE_PERMISSIONS = 'change_permissions',
  REVOKE = 'revoke',
  DELETE = 'delete',
}
registerEnumType(GuardianChildAction, { name: 'GuardianChildAction', description: 'What a parent can still do for a child: after a revocation only DELETE (consenting again needs a new registration).' });

@ObjectType({ simpleResolvers: true, description: 'A child of the signed-in parent: permissions, consents and the child’s actual data.' })
export class GuardianChild {
  @Field(() => ID) childId!: string;
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field(() => ChildAccountStatusEnum, { description: 'Where the child account stands.' }) status!: string;
  @Field(() => ParentalConsentStatusEnum, { description: 'Where your consent for this child stands.' }) consentStatus!: string;
  @Field(() => [GuardianChildAction], { description: 'setChildFeature (CHANGE_PERMISSIONS), revokeChildConsent (REVOKE), deleteChildData (DELETE): those the parent can use now.' }) allowedActions!: `${GuardianChildAction}`[];
  @Field(() => Date, { nullable: true, description: 'After a revocation: when the child’s data will be erased unless the parent deletes it sooner (PARENTAL_REVOKED_RETENTION).' }) scheduledDeletionAt!: Date | null;
  @Field(() => [ChildPermission]) permissions!: ChildPermission[];
  @Field(() => [ChildConsentState]) consents!: ChildConsentState[];
  @Field(() => [ChildDataCategory]) data!: ChildDataCategory[];
}

@ObjectType({ simpleResolvers: true, description: 'The signed-in parent’s view.' })
export class Guardian {
  @Field(() => [GuardianChild], { description: 'Each read is audited as the parent’s review of the child’s data.' }) children!: GuardianChild[];
}

@ObjectType({ simpleResolvers: true, description: 'The child’s data and the parent’s address are erased (with the last child, the parent’s dashboard sign-in too), and the parent is mailed a confirmation; or a legal hold keeps them for now.' })
export class ChildDataDeleted {
  @Field(() => ID) childId!: string;
  @Field({ description: 'True when a legal hold on the child’s data keeps it for now: the account is restricted and nothing else is done with the data; it is erased, and the parent mailed, when the hold ends (the parent is mailed now with its reason).' })
  keptForLegalHold!: boolean;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The policy defines no such feature for children’s accounts.' })
export class UnknownChildFeatureError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The feature discloses the child’s information: switching it on needs a stronger verification than email (the consent page, privacy staff).' })
export class FeatureNeedsVerificationError extends ErrorResult {}
