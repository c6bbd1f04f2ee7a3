import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';
import { Jurisdiction } from '../policy/policy.types';

export enum AgeOutcomeEnum {
  ADULT = 'adult',
  TEEN = 'teen',
  PARENTAL_CONSENT_REQUIRED = 'parental_consent_required',
}
registerEnumType(AgeOutcomeEnum, {
  name: 'AgeOutcome',
  valuesConfig: {
    ADULT: { description: '18 or older.' },
    TEEN: { description: 'Old enough to consent alone in this jurisdiction, under 18: the listed limits apply.' },
    PARENTAL_CONSENT_REQUIRED: { description: 'Under the age of digital consent: a parent must give verifiable consent before the account collects anything more.' },
  },
});

export enum TeenLimitEnum {
  SALE_SHARE_OPT_IN = 'sale_share_opt_in',
  HIGH_PRIVACY_DEFAULTS = 'high_privacy_defaults',
}
registerEnumType(TeenLimitEnum, { name: 'TeenLimit' });

export enum BirthDateProblemEnum {
  IMPOSSIBLE = 'impossible',
  IN_FUTURE = 'in_future',
  TOO_OLD = 'too_old',
}
registerEnumType(BirthDateProblemEnum, { name: 'BirthDateProblem' });

@ObjectType({ simpleResolvers: true })
export class TeenLimitInfo {
  @Field(() => TeenLimitEnum) limit!: TeenLimitEnum;
  @Field({ description: 'What the limit means and where it comes from.' }) description!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The answer of the age screen, bound to the device (and identifier) that asked.' })
export class AgeGateDecision {
  @Field(() => ID, { description: 'This check, for a following child registration.' }) checkId!: string;
  @Field(() => AgeOutcomeEnum) outcome!: AgeOutcomeEnum;
  @Field(() => Int, { description: 'The age of digital consent that applied.' }) threshold!: number;
  @Field({ description: 'True where the child consents jointly with a parent (France, under 15).' }) jointConsent!: boolean;
  @Field(() => [TeenLimitInfo]) limits!: TeenLimitInfo[];
  @Field(() => Jurisdiction, { description: 'The rule that applied, with its legal source.' }) jurisdiction!: Jurisdiction;
  @Field({ description: 'The legal source of the threshold.' }) legalSource!: string;
  @Field({ description: 'True when an earlier, more protective answer for this device or identifier was repeated.' }) repeated!: boolean;
  @Field({ description: 'When the answer was first given.' }) decidedAt!: Date;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The date of birth is not a real, past date within 120 years.' })
export class InvalidDateOfBirthError extends ErrorResult {
  @Field(() => BirthDateProblemEnum) reason!: BirthDateProblemEnum;
}
