import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * The privacy policy as the API shows it. The objects are the validated policy data of src/policy
 * (plus a readable `text` on periods); every field is plain, so every type uses simpleResolvers.
 */

export enum LegalBasisEnum {
  CONSENT = 'consent',
  CONTRACT = 'contract',
  LEGAL_OBLIGATION = 'legal_obligation',
  VITAL_INTERESTS = 'vital_interests',
  PUBLIC_TASK = 'public_task',
  LEGITIMATE_INTERESTS = 'legitimate_interests',
}
registerEnumType(LegalBasisEnum, { name: 'LegalBasis', description: 'GDPR Art 6(1) lawful bases.' });

export enum PeriodUnitEnum {
  HOUR = 'hour',
  DAY = 'day',
  BUSINESS_DAY = 'business_day',
  MONTH = 'month',
  YEAR = 'year',
}
registerEnumType(PeriodUnitEnum, { name: 'PeriodUnit' });

export enum RetentionTriggerEnum {
  COLLECTED = 'collected',
  ACCOUNT_CLOSED = 'account_closed',
}
registerEnumType(RetentionTriggerEnum, { name: 'RetentionTrigger', description: 'What a retention period counts from.' });

export enum RegimeEnum {
  GDPR = 'gdpr',
  UK_GDPR = 'uk_gdpr',
  CCPA = 'ccpa',
  COPPA = 'coppa',
  NONE = 'none',
}
registerEnumType(RegimeEnum, { name: 'Regime', description: 'The body of law a right or a jurisdiction rule comes from.' });

export enum VerificationStepEnum {
  GOVERNMENT_ID = 'government_id',
  PROOF_OF_ADDRESS = 'proof_of_address',
  ACCOUNT_VERIFICATION = 'account_verification',
  SUPPORTING_DOCUMENTATION = 'supporting_documentation',
  CORRECTION_DETAILS = 'correction_details',
  PASSWORD_CONFIRMATION = 'password_confirmation',
  IDENTITY_VERIFICATION = 'identity_verification',
  EXPLICIT_CONFIRMATION = 'explicit_confirmation',
  ACCOUNT_OWNERSHIP_VERIFICATION = 'account_ownership_verification',
  RESTRICTION_PARAMETERS = 'restriction_parameters',
  PROCESSING_ACTIVITY_IDENTIFICATION = 'processing_activity_identification',
  TWO_FACTOR_AUTHENTICATION = 'two_factor_authentication',
  FORMAT_SPECIFICATION = 'format_specification',
  DESTINATION_DETAILS = 'destination_details',
}
registerEnumType(VerificationStepEnum, { name: 'VerificationStep', description: 'A verification step the policy names for a right.' });

@ObjectType({ simpleResolvers: true, description: 'A length of time, e.g. 30 days or 15 business days.' })
export class Period {
  @Field(() => Int) amount!: number;
  @Field(() => PeriodUnitEnum) unit!: PeriodUnitEnum;
  @Field({ description: 'For people: "30 days", "15 business days".' }) text!: string;
}

@ObjectType({ simpleResolvers: true })
export class Retention {
  @Field(() => RetentionTriggerEnum) trigger!: RetentionTriggerEnum;
  @Field(() => Period) period!: Period;
  @Field({ description: 'The policy’s own words.' }) description!: string;
  @Field(() => [String]) purposes!: string[];
  @Field({ description: 'The retention line of the policy this comes from.' }) policyLine!: string;
  @Field({ description: 'True where the policy names no period for this category and a related one applies.' }) inferred!: boolean;
  @Field(() => String, { nullable: true, description: 'Set where the law obliges us to keep the data; it then survives an erasure request.' })
  legalObligation?: string;
}

@ObjectType({ simpleResolvers: true, description: 'A category of personal data the policy says is processed.' })
export class DataCategory {
  @Field() key!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => [String]) contains!: string[];
  @Field(() => [String]) mayInclude!: string[];
  @Field(() => [String]) collectedThrough!: string[];
  @Field() source!: string;
  @Field(() => [String]) purposes!: string[];
  @Field(() => [String]) enables!: string[];
  @Field(() => [LegalBasisEnum]) legalBases!: LegalBasisEnum[];
  @Field() legalBasisText!: string;
  @Field(() => Retention) retention!: Retention;
}

@ObjectType({ simpleResolvers: true, description: 'A right a person has under the policy, with its deadline and verification.' })
export class PrivacyRight {
  @Field() key!: string;
  @Field() name!: string;
  @Field(() => RegimeEnum) regime!: RegimeEnum;
  @Field() article!: string;
  @Field() description!: string;
  @Field(() => [String]) includes!: string[];
  @Field(() => [String]) howToExercise!: string[];
  @Field(() => Period, { nullable: true, description: 'How long we take at most to respond.' }) responseDeadline?: Period;
  @Field(() => [VerificationStepEnum]) verification!: VerificationStepEnum[];
}

@ObjectType({ simpleResolvers: true })
export class RetentionException {
  @Field() key!: string;
  @Field() name!: string;
  @Field() description!: string;
}

@ObjectType({ simpleResolvers: true })
export class CookieCategory {
  @Field() key!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field({ description: 'Strictly necessary cookies need no consent (ePrivacy Art 5(3)); all others do.' }) strictlyNecessary!: boolean;
  @Field(() => [String]) processes!: string[];
  @Field(() => [String]) purposes!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'A disclosure of personal data to a third party.' })
export class Disclosure {
  @Field() key!: string;
  @Field() recipient!: string;
  @Field() purpose!: string;
  @Field(() => [String]) categories!: string[];
  @Field() integralToService!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class InternationalTransfers {
  @Field(() => [String]) safeguards!: string[];
  @Field(() => [String]) protocols!: string[];
  @Field(() => [String]) standards!: string[];
  @Field(() => [String]) additionalMeasures!: string[];
  @Field(() => [String]) rights!: string[];
}

@ObjectType({ simpleResolvers: true })
export class PolicyContact {
  @Field(() => Period, { description: 'Privacy inquiries are answered within this time.' }) inquiryResponse!: Period;
  @Field() identityVerificationRequiredForDataRequests!: boolean;
  @Field(() => [String]) support!: string[];
}

@ObjectType({ simpleResolvers: true })
export class Site {
  @Field() name!: string;
  @Field() url!: string;
  @Field() policyUrl!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The age rules of one jurisdiction, with their legal source.' })
export class Jurisdiction {
  @Field({ description: 'ISO 3166-1 alpha-2 country (US-CA for a US state).' }) code!: string;
  @Field() name!: string;
  @Field(() => RegimeEnum) regime!: RegimeEnum;
  @Field(() => Int, { description: 'Below this age a parent must consent.' }) ageOfDigitalConsent!: number;
  @Field() citation!: string;
  @Field(() => Int, { nullable: true, description: 'Below this age the child and a parent consent jointly (France).' }) jointConsentUnder?: number;
  @Field(() => Int, { nullable: true, description: 'Below this age sale/sharing needs opt-in (CCPA).' }) saleOptInUnder?: number;
  @Field(() => String, { nullable: true }) note?: string;
  @Field({ description: 'True where this service sets its own age for the jurisdiction.' }) overridden!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A deadline the law sets for privacy requests.' })
export class RegulatoryDeadline {
  @Field() key!: string;
  @Field() name!: string;
  @Field(() => Period) period!: Period;
  @Field(() => Period, { nullable: true }) extension?: Period;
  @Field() citation!: string;
}

@ObjectType({ simpleResolvers: true })
export class ChildCollectedCategory {
  @Field({ description: 'A data category key.' }) category!: string;
  @Field(() => [String]) items!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'A feature a parent permits separately for a child.' })
export class ChildFeature {
  @Field() key!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field({ description: 'True where the feature discloses the child’s data (to other users or third parties): it needs a stronger consent method than email plus.' })
  disclosure!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'How the service treats children under the age of digital consent.' })
export class ChildrenPolicy {
  @Field(() => [ChildCollectedCategory], { description: 'What a child’s account collects once a parent consents.' }) collected!: ChildCollectedCategory[];
  @Field(() => [String]) uses!: string[];
  @Field(() => [ChildFeature]) features!: ChildFeature[];
}

@ObjectType({ simpleResolvers: true, description: 'The privacy policy this service implements, as data for rendering notices.' })
export class PrivacyPolicy {
  @Field() id!: string;
  @Field() version!: string;
  @Field() effectiveDate!: string;
  @Field(() => Site) site!: Site;
  @Field() controllerStatement!: string;
  @Field(() => [DataCategory]) dataCategories!: DataCategory[];
  @Field(() => [PrivacyRight]) rights!: PrivacyRight[];
  @Field(() => [String]) retentionDeterminants!: string[];
  @Field(() => [RetentionException], { description: 'Circumstances in which data is kept beyond its period or despite an erasure request.' })
  retentionExceptions!: RetentionException[];
  @Field(() => [CookieCategory]) cookieCategories!: CookieCategory[];
  @Field(() => [String]) cookieManagement!: string[];
  @Field(() => [Disclosure]) disclosures!: Disclosure[];
  @Field(() => [String]) securityMeasures!: string[];
  @Field(() => InternationalTransfers) internationalTransfers!: InternationalTransfers;
  @Field(() => [String]) gdprMeasures!: string[];
  @Field(() => [String]) policyUpdates!: string[];
  @Field(() => PolicyContact) contact!: PolicyContact;
  @Field(() => ChildrenPolicy) children!: ChildrenPolicy;
  @Field(() => [Jurisdiction]) jurisdictions!: Jurisdiction[];
  @Field(() => [RegulatoryDeadline]) regulatoryDeadlines!: RegulatoryDeadline[];
}
