import {
  ArrayMaxSize,
  IsBoolean,
  IsISO31661Alpha2,
  IsLocale,
  IsOptional,
  IsPhoneNumber,
  IsString,
  IsTimeZone,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AccountRole, type Role } from '../../auth/roles';
import { PASSWORD_MAX_LENGTH } from '../../services/identity/password-policy';
import { IsEmailAddress } from '../common/email-address';

/** Long enough for any password rule to speak about it; the rules themselves are in the service (WeakPasswordError). */
const PasswordLength = () => Length(1, PASSWORD_MAX_LENGTH * 4);

@InputType()
export class RegisterSubjectInput {
  @Field() @IsEmailAddress() @MaxLength(254) email!: string;
  @Field() @IsString() @PasswordLength() password!: string;
  @Field() @Length(1, 100) @Matches(/\S/, { message: 'displayName must not be blank' }) displayName!: string;
  @Field({ description: 'BCP 47 language tag, e.g. en or fr-CA.' }) @IsLocale() @MaxLength(35) locale!: string;
  @Field({ description: 'ISO 3166-1 alpha-2 country code.' }) @IsISO31661Alpha2() country!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) deviceName?: string;
}

@InputType()
export class ConfirmRegistrationInput {
  @Field({ description: 'The token of the sign-up link (…/l/<token>) from the registration mail.' }) @IsString() @MaxLength(200) token!: string;
  @Field({ description: 'The password chosen at registerSubject.' }) @IsString() @PasswordLength() password!: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) deviceName?: string;
}

@InputType()
export class SignInInput {
  @Field() @IsEmailAddress() @MaxLength(254) email!: string;
  @Field() @IsString() @PasswordLength() password!: string;
  @Field({ nullable: true, description: 'The 6-digit code of the authenticator app, for accounts with two-factor authentication.' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totpCode must be 6 digits' })
  totpCode?: string;
  @Field({ nullable: true, description: 'A one-time recovery code, in place of totpCode.' }) @IsOptional() @Length(10, 16) recoveryCode?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) deviceName?: string;
}

@InputType()
export class PostalAddressInput {
  @Field() @Length(1, 200) line1!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 200) line2?: string | null;
  @Field() @Length(1, 100) city!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100) region?: string | null;
  @Field() @Length(1, 20) @Matches(/^[A-Za-z0-9 -]+$/, { message: 'postalCode may hold letters, digits, spaces and dashes' }) postalCode!: string;
  @Field() @IsISO31661Alpha2() country!: string;
}

@InputType()
export class AccountSettingsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsTimeZone() timeZone?: string | null;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() securityAlerts?: boolean;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() productNotifications?: boolean;
}

@InputType({ description: 'Only the fields sent change; null clears an optional field. The email changes through a confirmation link instead.' })
export class UpdateProfileInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) @Matches(/\S/, { message: 'displayName must not be blank' }) displayName?: string;
  @Field({ nullable: true }) @IsOptional() @IsLocale() @MaxLength(35) locale?: string;
  @Field({ nullable: true }) @IsOptional() @IsISO31661Alpha2() country?: string;
  @Field(() => String, { nullable: true, description: 'International format, e.g. +33 1 23 45 67 89.' })
  @IsOptional()
  @IsPhoneNumber(undefined, { message: 'telephone must be a phone number in international format (+…)' })
  telephone?: string | null;
  @Field(() => PostalAddressInput, { nullable: true }) @IsOptional() @ValidateNested() postalAddress?: PostalAddressInput | null;
  @Field(() => AccountSettingsInput, { nullable: true }) @IsOptional() @ValidateNested() accountSettings?: AccountSettingsInput;
  @Field(() => String, { nullable: true, description: '3–32 letters, digits, dots or underscores; unique.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.]{3,32}$/, { message: 'username must be 3–32 letters, digits, dots or underscores' })
  username?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'pictureUrl must be an https URL' }) @MaxLength(2048) pictureUrl?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) bio?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) @Length(1, 50, { each: true }) interests?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(30) @Length(1, 200, { each: true }) professionalCredentials?: string[];
}

@InputType()
export class ChangePasswordInput {
  @Field() @IsString() @PasswordLength() currentPassword!: string;
  @Field() @IsString() @PasswordLength() newPassword!: string;
}

@InputType()
export class ReauthenticateInput {
  @Field() @IsString() @PasswordLength() password!: string;
  @Field({ nullable: true }) @IsOptional() @Matches(/^\d{6}$/, { message: 'totpCode must be 6 digits' }) totpCode?: string;
  @Field({ nullable: true }) @IsOptional() @Length(10, 16) recoveryCode?: string;
}

@InputType()
export class SetupAccountInput {
  @Field({ description: 'The one-time token printed by `npm run admin:create`.' }) @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token is not a setup token' }) token!: string;
  @Field() @IsString() @PasswordLength() password!: string;
}

@InputType({ description: 'Which of your sessions to end.' })
export class RevokeSessionInput {
  @Field(() => ID, { description: 'The session to end (Session.id, from me.sessions).' })
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'sessionId is not a session id' })
  sessionId!: string;
}

@InputType({ description: 'The first code from the authenticator app, to turn two-factor authentication on.' })
export class ConfirmTotpInput {
  @Field({ description: 'The 6-digit code the authenticator app shows now.' })
  @IsString()
  @MaxLength(32)
  code!: string;
}

@InputType({ description: 'Whom to give which role.' })
export class GrantRoleInput {
  @Field(() => ID, { description: 'The person (subject) who gets the role.' })
  @Matches(/^[A-Za-z0-9-]{1,36}$/, { message: 'subjectId is not a subject id' })
  subjectId!: string;

  @Field(() => AccountRole, { description: 'The role to give.' })
  role!: Role;
}

@InputType({ description: 'Whom to take which role from.' })
export class RevokeRoleInput {
  @Field(() => ID, { description: 'The person (subject) who loses the role; the account stays.' })
  @Matches(/^[A-Za-z0-9-]{1,36}$/, { message: 'subjectId is not a subject id' })
  subjectId!: string;

  @Field(() => AccountRole, { description: 'The role to take away.' })
  role!: Role;
}
