import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Whether one cookie category may be used on a device.' })
export class CookieCategoryConsent {
  @Field({ description: 'The cookie category key of the policy.' }) category!: string;
  @Field() strictlyNecessary!: boolean;
  @Field({ description: 'True when the category may be used now (always for strictly necessary cookies).' }) granted!: boolean;
  @Field(() => Date, { nullable: true, description: 'When the choice was made.' }) decidedAt?: Date;
  @Field(() => Date, { nullable: true, description: 'When a granted choice lapses and the banner must ask again.' }) expiresAt?: Date;
}

@ObjectType({ simpleResolvers: true, description: 'The cookie choices of one device.' })
export class CookieConsentState {
  @Field(() => [CookieCategoryConsent]) categories!: CookieCategoryConsent[];
  @Field({ description: 'True when the banner must be shown: no choice yet, a choice lapsed, or the policy changed since.' }) needsDecision!: boolean;
  @Field({ description: 'The policy version in force.' }) policyVersion!: string;
}
