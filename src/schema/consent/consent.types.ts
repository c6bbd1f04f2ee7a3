import { Field, ObjectType } from 'type-graphql';
import { ConsentDecisionEnum, ConsentGiverEnum, ConsentKindEnum, ConsentMethodEnum } from './consent.enums';

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
  @Field(() => ConsentKindEnum, { description: 'What the purpose is about.' }) kind!: string;
  @Field() granted!: boolean;
  @Field({ description: 'True when the person should be asked (again).' }) needsDecision!: boolean;
  @Field(() => ConsentDecisionEnum, { nullable: true, description: 'The latest decision on record; null when none was ever made.' }) decision?: string;
  @Field(() => ConsentMethodEnum, { nullable: true, description: 'How the latest decision was made.' }) method?: string;
  @Field(() => ConsentGiverEnum, { nullable: true, description: 'Who made the latest decision.' }) givenBy?: string;
  @Field(() => Date, { nullable: true }) decidedAt?: Date;
  @Field(() => Date, { nullable: true }) expiresAt?: Date;
}
