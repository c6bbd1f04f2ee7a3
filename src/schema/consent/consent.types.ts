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

@ObjectType({ simpleResolvers: true, description: 'A person’s current decision for one purpose.' })
export class ConsentState {
  @Field({ description: 'cookie.analytics, marketing.email, sale_share, child.collection, …' }) purpose!: string;
  @Field() name!: string;
  @Field({ description: 'cookie, marketing, sale_share or child.' }) kind!: string;
  @Field() granted!: boolean;
  @Field({ description: 'True when the person should be asked (again).' }) needsDecision!: boolean;
  @Field(() => String, { nullable: true, description: 'granted, denied or withdrawn.' }) decision?: string;
  @Field(() => String, { nullable: true, description: 'How it was given: settings, banner, gpc, email_plus, …' }) method?: string;
  @Field(() => String, { nullable: true, description: 'self, parent, staff or system.' }) givenBy?: string;
  @Field(() => Date, { nullable: true }) decidedAt?: Date;
  @Field(() => Date, { nullable: true }) expiresAt?: Date;
}
