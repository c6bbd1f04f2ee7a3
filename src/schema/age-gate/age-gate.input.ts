import { IsInt, IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { DEVICE_ID, DEVICE_ID_MESSAGE } from '../common/device-id';

@InputType({ description: 'A full date of birth, entered freely (no default, no pre-filled year).' })
export class DateOfBirthInput {
  @Field(() => Int) @IsInt() day!: number;
  @Field(() => Int) @IsInt() month!: number;
  @Field(() => Int) @IsInt() year!: number;
}

@InputType()
export class AgeGateInput {
  @Field(() => DateOfBirthInput)
  @ValidateNested()
  dateOfBirth!: DateOfBirthInput;

  @Field({ description: 'An opaque id the app keeps for this device or browser (16–128 of A–Z a–z 0–9 _ -). The answer is bound to it.' })
  @Matches(DEVICE_ID, { message: DEVICE_ID_MESSAGE })
  deviceId!: string;

  @Field(() => String, { nullable: true, description: 'The email or username being signed up, if known: the answer is bound to it too.' })
  @IsOptional()
  @Length(1, 254)
  identifier?: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country the person is in (e.g. DE, US).' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE or US' })
  country?: string;

  @Field(() => String, { nullable: true, description: 'Subdivision within the country where it matters (e.g. CA for California).' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{1,3}$/, { message: 'region must be a subdivision code such as CA' })
  region?: string;

  @Field(() => String, { nullable: true, description: 'The request’s country as the app knows it (e.g. from a CDN header), used when country is not given.' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'requestCountry must be an ISO 3166-1 alpha-2 code' })
  requestCountry?: string;
}
