import { IsBoolean, IsEnum, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DateOfBirthInput } from '../age-gate/age-gate.input';
import { DEVICE_ID, DEVICE_ID_MESSAGE } from '../common/device-id';
import { ParentVerificationMethodValue } from './parental-consent.types';
import { IsEmailAddress } from '../common/email-address';

@InputType({ description: 'A child’s registration after the age gate asked for parental consent: only what COPPA §312.5(c)(1) allows.' })
export class RegisterChildInput {
  @Field({ description: 'The device id the age gate was answered with.' })
  @Matches(DEVICE_ID, { message: DEVICE_ID_MESSAGE })
  deviceId!: string;

  @Field({ description: 'The child’s username (3–30 of letters, digits, _ . -); not a real name. If the age gate was given an identifier, this must be it (case-insensitive).' })
  @Matches(/^[\p{L}\p{N}_.-]{3,30}$/u, { message: 'username must be 3 to 30 letters, digits, _ . or -' })
  username!: string;

  @Field({ description: 'The parent’s email: the direct notice goes there.' })
  @IsEmailAddress()
  @Length(3, 254)
  parentEmail!: string;

  @Field(() => DateOfBirthInput, { description: 'The same date of birth as given at the age gate.' })
  @ValidateNested()
  dateOfBirth!: DateOfBirthInput;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The child’s own agreement (an unticked box the child ticks). Required (true) where the age gate answered jointConsent (France under 15: the minor and a holder of parental authority consent jointly, GDPR Art 8(1), Loi Informatique et Libertés art. 45): recorded as a consent given by the child, and the parent is told; ignored elsewhere.',
  })
  @IsOptional()
  @IsBoolean()
  childAgrees?: boolean | null;

  @Field({ description: 'The language for the parent’s mails and pages (en, de; others get English).' })
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a language tag such as en or de-AT' })
  locale!: string;
}

@InputType({ description: 'Privacy staff’s decision after verifying a parent by a stronger method than email (signed form, call, video).' })
export class DecideParentalVerificationInput {
  @Field(() => ID)
  @IsUUID()
  workflowId!: string;

  @Field({ description: 'True: the disclosing features are granted (method staff_verified). False: they are refused.' })
  @IsBoolean()
  approve!: boolean;

  @Field({ description: 'How the parent was verified, or why not (kept as evidence).' })
  @Length(3, 1000)
  note!: string;

  @Field(() => ParentVerificationMethodValue, {
    nullable: true,
    description: 'The method staff actually used, recorded on the consent records. Default: what the parent returned (signed form, phone or video call); with nothing returned, staff_verified.',
  })
  @IsOptional()
  @IsEnum(ParentVerificationMethodValue)
  method?: ParentVerificationMethodValue;
}

@InputType({ description: 'The parent’s email, as given at the child’s registration.' })
export class RequestParentDashboardInput {
  @Field()
  @IsEmailAddress()
  @Length(3, 254)
  email!: string;
}

@InputType({ description: 'A call or video check the parent asks for instead of a signed form.' })
export class ParentalCallRequestInput {
  @Field(() => ParentVerificationMethodValue, { description: 'PHONE_CALL or VIDEO_CALL.' })
  @IsIn([ParentVerificationMethodValue.PHONE_CALL, ParentVerificationMethodValue.VIDEO_CALL], { message: 'channel must be PHONE_CALL or VIDEO_CALL' })
  channel!: ParentVerificationMethodValue;

  @Field({ description: 'The phone number, or the address for the video call.' })
  @IsString()
  @MaxLength(254)
  contact!: string;

  @Field({ nullable: true, description: 'When the parent prefers to be called, in their words.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  preferredTime?: string;
}

@InputType({ description: 'The verification page for apps: the token of the verification link with a signed form or a call request (exactly one).' })
export class SubmitParentalVerificationInput {
  @Field({ description: 'The token: the last part of the verification link (…/l/<token>).' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @Field({
    nullable: true,
    description: 'The scan or photo of the signed consent form, base64 (PDF, JPEG, PNG, WebP or HEIC, told from its bytes; at most PARENTAL_EVIDENCE_MAX_BYTES). The whole request must fit BODY_LIMIT: for large files raise it, or use the link page, which streams.',
  })
  @IsOptional()
  @IsString()
  signedFormBase64?: string;

  @Field(() => ParentalCallRequestInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  callRequest?: ParentalCallRequestInput;
}
