import { MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { IsEmailAddress } from '../common/email-address';

@InputType()
export class RequestEmailChangeInput {
  @Field({ description: 'The new address: a confirmation link is sent there.' })
  @IsEmailAddress()
  @MaxLength(254)
  newEmail!: string;
}

@ObjectType('EmailChangeRequested', { description: 'A confirmation link went to the new address; the email changes when it is used.' })
export class EmailChangeRequestedView {
  @Field({ description: 'Where the link was sent.' })
  sentTo!: string;

  @Field({ description: 'When the link stops working.' })
  expiresAt!: Date;
}
