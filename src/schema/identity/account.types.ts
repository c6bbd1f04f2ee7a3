import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AccountRole, type Role } from '../../auth/roles';

registerEnumType(AccountRole, { name: 'Role', description: 'What an account may do: subject (everyone), guardian (parents), staff and admin (need two-factor authentication).' });

export enum SubjectStatusEnum {
  ACTIVE = 'active',
  PENDING_PARENTAL_CONSENT = 'pending_parental_consent',
  RESTRICTED = 'restricted',
  ERASED = 'erased',
}
registerEnumType(SubjectStatusEnum, { name: 'SubjectStatus' });

export enum SessionAssuranceEnum {
  PASSWORD = 'password',
  SECOND_FACTOR = 'second_factor',
  EMAIL_LINK = 'email_link',
}
registerEnumType(SessionAssuranceEnum, {
  name: 'SessionAssurance',
  description: 'What a session proved: the password and the second factor, the password only, or a parent’s one-use email link. Staff and admin act only through SECOND_FACTOR sessions.',
});

@ObjectType({ simpleResolvers: true })
export class PostalAddress {
  @Field() line1!: string;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field() city!: string;
  @Field(() => String, { nullable: true }) region!: string | null;
  @Field() postalCode!: string;
  @Field({ description: 'ISO 3166-1 alpha-2.' }) country!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Communication and security preferences of the account.' })
export class AccountSettings {
  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Europe/Paris.' }) timeZone!: string | null;
  @Field({ description: 'Mail me when my account signs in from a new device or changes security settings.' }) securityAlerts!: boolean;
  @Field({ description: 'Mail me about changes to the service.' }) productNotifications!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'The policy’s profile data.' })
export class Profile {
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field(() => String, { nullable: true }) pictureUrl!: string | null;
  @Field(() => String, { nullable: true }) bio!: string | null;
  @Field(() => [String]) interests!: string[];
  @Field(() => [String]) professionalCredentials!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'A signed-in session (device, address, times). The token itself is never shown again.' })
export class Session {
  @Field(() => ID) id!: string;
  @Field({ description: 'True for the session of this request.' }) current!: boolean;
  @Field() createdAt!: Date;
  @Field() lastUsedAt!: Date;
  @Field() expiresAt!: Date;
  @Field() ip!: string;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => String, { nullable: true }) deviceName!: string | null;
  @Field(() => Date, { nullable: true }) passwordVerifiedAt!: Date | null;
  @Field(() => Date, { nullable: true }) secondFactorVerifiedAt!: Date | null;
  @Field(() => SessionAssuranceEnum) assurance!: SessionAssuranceEnum;
}

@ObjectType({ description: 'The signed-in subject: account data, profile data, sessions and own audit trail.' })
export class Me {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => SubjectStatusEnum) status!: SubjectStatusEnum;
  @Field(() => [AccountRole]) roles!: Role[];
  @Field() displayName!: string;
  @Field({ description: 'BCP 47 language tag.' }) locale!: string;
  @Field({ description: 'ISO 3166-1 alpha-2.' }) country!: string;
  @Field(() => String, { nullable: true }) telephone!: string | null;
  @Field(() => PostalAddress, { nullable: true }) postalAddress!: PostalAddress | null;
  @Field(() => AccountSettings) accountSettings!: AccountSettings;
  @Field(() => Profile) profile!: Profile;
  @Field() mfaEnabled!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A new session. Send `token` as `Authorization: Bearer <token>`; it is shown only now.' })
export class AuthPayload {
  @Field(() => ID, { description: 'The id of the new session (the same as sessionId), so a client cache can key it.' }) id!: string;
  @Field({ description: 'The session token: send it as `Authorization: Bearer <token>`. Shown only now.' }) token!: string;
  @Field(() => ID, { description: 'The id of the new session (revokeSession takes it).' }) sessionId!: string;
  @Field(() => ID, { description: 'The id of the signed-in person (Me.id), so the app needs no second request to know who signed in.' }) subjectId!: string;
  @Field({ description: 'When the session ends unless used (ISO 8601).' }) expiresAt!: Date;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Registration received: a mail goes to sentTo, the same for every address. For a new address it holds a link that creates the account (confirmRegistration, or the link’s page, with the password chosen); an address that has an account is told so instead. Nobody is signed in yet.',
})
export class RegistrationPending {
  @Field({ description: 'The address the mail goes to.' }) sentTo!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Scan otpauthUri (as a QR code) or type secret into an authenticator app, then confirmTotp with a code.' })
export class TotpEnrollment {
  @Field() otpauthUri!: string;
  @Field() secret!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One-time recovery codes: shown only now; each works once in place of an authenticator code.' })
export class RecoveryCodes {
  @Field(() => [String]) recoveryCodes!: string[];
}

@ObjectType({ simpleResolvers: true })
export class Success {
  @Field() ok!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class RoleAssignment {
  @Field(() => ID, { description: 'The person’s roles, identified by the person: the same as subjectId.' })
  get id(): string {
    return this.subjectId;
  }
  @Field(() => ID, { description: 'The person whose roles these are.' }) subjectId!: string;
  @Field(() => [AccountRole], { description: 'Every role the person holds now.' }) roles!: Role[];
}
