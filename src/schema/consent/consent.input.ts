import { ArrayMaxSize, IsBoolean, IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { ArgsType, Field, InputType } from 'type-graphql';
import { DEVICE_ID, DEVICE_ID_MESSAGE } from '../common/device-id';


@InputType()
export class CookieChoiceInput {
  @Field({ description: 'A cookie category key of the policy (functional, analytics, performance).' })
  @Length(1, 64)
  category!: string;

  @Field()
  @IsBoolean()
  granted!: boolean;
}

@InputType({ description: 'The choices of a cookie banner: one per optional category, none pre-ticked.' })
export class CookieConsentInput {
  @Field({ description: 'The opaque id the app keeps for this browser or device.' })
  @Matches(DEVICE_ID, { message: DEVICE_ID_MESSAGE })
  deviceId!: string;

  @Field(() => [CookieChoiceInput])
  @ValidateNested({ each: true })
  @ArrayMaxSize(32)
  choices!: CookieChoiceInput[];

  @Field(() => String, { nullable: true, description: 'Which banner or page the choice was made on (kept as evidence).' })
  @IsOptional()
  @Length(1, 128)
  source?: string;
}

@ArgsType()
export class DeviceArgs {
  @Field({ description: 'The opaque id the app keeps for this browser or device.' })
  @Matches(DEVICE_ID, { message: DEVICE_ID_MESSAGE })
  deviceId!: string;
}

@InputType({ description: 'Which of your consents to withdraw.' })
export class WithdrawConsentInput {
  @Field({ description: 'A purpose you decide in your settings: cookie.functional, cookie.analytics, cookie.performance, marketing.email.' })
  @Length(1, 64)
  purpose!: string;
}

@InputType()
export class RecordConsentInput {
  @Field({ description: 'A purpose you decide in your settings: cookie.functional, cookie.analytics, cookie.performance, marketing.email.' })
  @Length(1, 64)
  purpose!: string;

  @Field()
  @IsBoolean()
  granted!: boolean;
}
