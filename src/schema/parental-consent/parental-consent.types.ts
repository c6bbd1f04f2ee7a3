import { ChildAccountStatusEnum, ParentalConsentStateEnum, ParentalConsentStatusEnum } from './child-status.enums';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

@ObjectType({ simpleResolvers: true, description: 'The child account, waiting for a parent’s consent. The same answer whether or not we knew the parent’s email.' })
export class ChildRegistration {
  @Field(() => ID) childId!: string;
  @Field(() => ChildAccountStatusEnum, { description: 'Where the new account stands: PENDING_PARENTAL_CONSENT, it can do nothing until a parent consents.' }) status!: string;
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
/** The stronger methods of COPPA §312.5(b)(2) that a parent can offer and staff can record. */
export enum ParentVerificationMethodValue {
  SIGNED_FORM = 'signed_form',
  PHONE_CALL = 'phone_call',
  VIDEO_CALL = 'video_call',
}
registerEnumType(ParentVerificationMethodValue, {
  name: 'ParentVerificationMethod',
  description: 'A stronger verification than email plus: a signed consent form (COPPA §312.5(b)(2)(i)), a phone call (iii) or a video call (iv) with trained staff.',
});

@ObjectType({ simpleResolvers: true, description: 'What a parent returned on the verification page: a signed consent form, or a request for a call or video check.' })
export class ParentalVerificationEvidence {
  @Field(() => ID, { description: 'For parentalVerificationDocument (signed forms).' }) evidenceId!: string;
  @Field(() => ParentVerificationMethodValue) method!: ParentVerificationMethodValue;
  @Field() submittedAt!: Date;
  @Field(() => String, { nullable: true, description: 'Signed form: its type, sniffed from its bytes.' }) contentType!: string | null;
  @Field(() => Int, { nullable: true, description: 'Signed form: its size in bytes.' }) byteSize!: number | null;
  @Field(() => String, { nullable: true, description: 'Call request: the phone number, or the address for the video call.' }) contact!: string | null;
  @Field(() => String, { nullable: true, description: 'Call request: when the parent prefers to be called, in their words.' }) preferredTime!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A parent who asked for disclosing features, waiting for privacy staff to verify them by a stronger method.' })
export class ParentalVerificationCase {
  @Field(() => ID) workflowId!: string;
  @Field(() => ID) childId!: string;
  @Field(() => [String], { description: 'Feature keys of the policy (children.features) that disclose.' }) requestedFeatures!: string[];
  @Field({ description: 'Since when the case waits: the parent’s consent, or what the parent returned.' }) since!: Date;
  @Field(() => ParentalVerificationEvidence, { nullable: true, description: 'What the parent returned; null: nothing yet (a reminder, then the request lapses after PARENTAL_CONSENT_EXPIRY).' })
  evidence?: ParentalVerificationEvidence;
}

@ObjectType({ simpleResolvers: true, description: 'A signed consent form as the parent uploaded it (decrypted for this read, which is audited).' })
export class ParentalVerificationDocument {
  @Field(() => ID) evidenceId!: string;
  @Field(() => ID) workflowId!: string;
  @Field(() => ID) childId!: string;
  @Field({ description: 'Sniffed from the bytes: application/pdf, image/jpeg, image/png, image/webp or image/heic.' }) contentType!: string;
  @Field(() => Int) byteSize!: number;
  @Field({ description: 'SHA-256 (hex) of the bytes.' }) sha256!: string;
  @Field({ description: 'The file, base64.' }) contentBase64!: string;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The uploaded file is empty.' })
export class EvidenceEmptyError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The uploaded file is larger than PARENTAL_EVIDENCE_MAX_BYTES.' })
export class EvidenceTooLargeError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The uploaded file is not a PDF, JPEG, PNG, WebP or HEIC (told from its bytes).' })
export class EvidenceTypeError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'A call request without a usable phone number or video address.' })
export class CallRequestInvalidError extends ErrorResult {}

@ObjectType({ simpleResolvers: true })
export class ParentalVerificationDecision {
  @Field(() => ID) workflowId!: string;
  @Field(() => ParentalConsentStateEnum, { description: 'The step the parental consent is at after the decision.' }) state!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The same answer whether or not the address belongs to a parent with an active consent.' })
export class ParentDashboardRequested {
  @Field() message!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The signed form or call request was received; privacy staff will verify and decide.' })
export class ParentalVerificationSubmitted {
  @Field() message!: string;
}

@ObjectType('ChildAccountState', { simpleResolvers: true, description: 'A child account as the site’s apps need it: its status, the parental consent’s, and whether the settings wait for the teen’s own confirmation (after the age-up), so the app can prompt the teen.' })
export class ChildAccountState {
  @Field(() => ID) childId!: string;
  @Field(() => ChildAccountStatusEnum, { description: 'Where the child account stands.' }) status!: string;
  @Field(() => ParentalConsentStatusEnum, { description: 'Where the parent’s consent stands.' }) consentStatus!: string;
  @Field({ description: 'True from the birthday at the local age of digital consent until the teen confirms the settings on the handover page (or its link expires).' }) awaitingTeenConfirmation!: boolean;
  @Field(() => Date, { nullable: true, description: 'While awaitingTeenConfirmation: when the handover link expires and the settings stay as they are.' }) teenConfirmationDueAt!: Date | null;
}
