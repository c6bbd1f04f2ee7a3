import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsUrl, Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

/** What a recipient is told of, as stored (lower case, RECIPIENT_EVENTS); the schema shows the key. */
export enum RecipientEventEnum {
  ERASURE = 'erasure',
  OPT_OUT = 'opt_out',
  RECTIFICATION = 'rectification',
  CONSENT_WITHDRAWN = 'consent_withdrawn',
}
registerEnumType(RecipientEventEnum, {
  name: 'RecipientEvent',
  description: 'A change to a person’s data that a recipient can be told of by signed webhook.',
  valuesConfig: {
    ERASURE: { description: 'A person’s data was erased: delete what you hold of them.' },
    OPT_OUT: { description: 'A person opted out of the sale or sharing of their data.' },
    RECTIFICATION: { description: 'A person corrected their profile or email address.' },
    CONSENT_WITHDRAWN: { description: 'A person withdrew a consent they had given.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A hold that keeps a subject’s data from erasure and purges while active.' })
export class LegalHold {
  @Field(() => ID) id!: string;
  @Field(() => ID) subjectId!: string;
  @Field({ description: 'A retention exception key of the policy: legal_obligation, dispute_resolution, security_investigation.' }) reason!: string;
  @Field({ description: 'Staff’s internal note.' }) note!: string;
  @Field(() => ID) placedBy!: string;
  @Field() placedAt!: Date;
  @Field(() => ID, { nullable: true }) releasedBy?: string | null;
  @Field(() => Date, { nullable: true }) releasedAt?: Date | null;
  @Field(() => [String], {
    nullable: true,
    description:
      'Listed holds only (null on place/release results): what the subject’s holds in force keep from running, e.g. `child_erasure:parent_request` (a child’s erasure the parent asked for) or `guardian_erasure` (a parent’s passwordless dashboard account whose last child was erased). It runs when the subject’s last hold is released.',
  })
  waiting?: string[] | null;
}

@InputType()
export class PlaceLegalHoldInput {
  @Field(() => ID) @Matches(/^[A-Za-z0-9-]{1,36}$/) subjectId!: string;
  @Field({ description: 'legal_obligation, dispute_resolution or security_investigation.' }) @Length(1, 64) reason!: string;
  @Field({ description: 'The case, matter or ticket: internal, never shown to the subject.' }) @Length(3, 2000) note!: string;
}

@InputType({ description: 'Which hold to end.' })
export class ReleaseLegalHoldInput {
  @Field(() => ID, { description: 'The hold to release (LegalHold.id).' }) @Matches(/^[A-Za-z0-9-]{1,36}$/, { message: 'holdId is not a hold id' }) holdId!: string;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class InvalidHoldReasonError extends ErrorResult {}
@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class HoldAlreadyReleasedError extends ErrorResult {}

@ObjectType({ simpleResolvers: true, description: 'A downstream service or processor told of erasures and opt-outs by signed webhook.' })
export class Recipient {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field() webhookUrl!: string;
  @Field(() => [RecipientEventEnum], { description: 'What it is told of.' }) events!: RecipientEventEnum[];
  @Field() active!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class RegisteredRecipient {
  @Field(() => Recipient) recipient!: Recipient;
  @Field({ description: 'The signing secret, shown only now: webhooks carry Consentry-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">.' })
  secret!: string;
}

@InputType()
export class RegisterRecipientInput {
  @Field() @Length(1, 128) name!: string;
  @Field({ description: 'Who they are, as a person asking "who got my data?" should read it.' }) @Length(1, 255) description!: string;
  @Field() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) @Length(1, 2048) webhookUrl!: string;
  @Field(() => [RecipientEventEnum], { description: 'What to tell it of (at least one).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  events!: RecipientEventEnum[];
}

@InputType({ description: 'Which recipient to pause or resume.' })
export class SetRecipientActiveInput {
  @Field(() => ID, { description: 'The recipient (Recipient.id).' }) @Matches(/^[A-Za-z0-9-]{1,36}$/, { message: 'recipientId is not a recipient id' }) recipientId!: string;
  @Field({ description: 'True to send it webhooks again, false to pause them.' }) @IsBoolean() active!: boolean;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class InvalidWebhookUrlError extends ErrorResult {}
@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class InvalidRecipientEventsError extends ErrorResult {}
@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class DuplicateRecipientError extends ErrorResult {}

