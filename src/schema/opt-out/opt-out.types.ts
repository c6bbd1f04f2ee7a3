import { IsBoolean, IsIn, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { PrivacyRequest } from '../../entities';
import type { SaleShareState } from '../../services/opt-out/opt-out.service';
import { ProcessingReason } from '../../services/processing/processing-decision';
import type { ProcessingAnswer } from '../../services/processing/processing.service';
import { ErrorResult } from '../common/error-result';
import { StaffPageArgs } from '../common/staff-page.args';
import { IsEmailAddress } from '../common/email-address';

registerEnumType(ProcessingReason, { name: 'ProcessingReason', description: 'Why processing is allowed or not (stable, for programs).' });

@ObjectType('SaleShareState', { description: 'Sale and sharing of your personal information (CCPA): whether it is off, since when, and how it was decided.' })
export class SaleShareStateView {
  @Field({ description: 'True when your data is not sold or shared: you opted out, or you are under 16 and no opt-in was given.' })
  optedOut!: boolean;

  @Field(() => String, { nullable: true, description: 'The latest decision on record: granted, denied or withdrawn.' })
  decision?: string;

  @Field(() => String, { nullable: true, description: 'How it was made: settings, gpc (Global Privacy Control), email_link, …' })
  method?: string;

  @Field(() => String, { nullable: true })
  givenBy?: string;

  @Field(() => Date, { nullable: true })
  decidedAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Apps may not ask you to opt back in before this (12 months after your opt-out, Cal. Civ. Code 1798.135(c)(4)). You may opt in yourself at any time.' })
  optInPromptAllowedAt!: Date | null;

  @Field({ description: 'You are known to be under 16: sale or sharing needs an opt-in (by a parent under 13).' })
  optInRequired!: boolean;

  @Field(() => ID, { nullable: true, description: 'The privacy request that carries your latest opt-out to the companies we share data with.' })
  requestId?: string;

  static from(s: SaleShareState): SaleShareStateView {
    return Object.assign(new SaleShareStateView(), { ...s });
  }
}

@ObjectType('SaleOptInNotAllowedError', { implements: ErrorResult, simpleResolvers: true, description: 'A child under 13 cannot opt in; a parent decides.' })
export class SaleOptInNotAllowedError extends ErrorResult {}

@ObjectType('InvalidProcessingPurposeError', { implements: ErrorResult, simpleResolvers: true, description: 'The purpose is not one the policy names.' })
export class InvalidProcessingPurposeError extends ErrorResult {}

@ObjectType('OptOutByEmailReceipt', { description: 'The same answer whether or not an account uses the address.' })
export class OptOutByEmailReceipt {
  @Field()
  received!: boolean;

  @Field()
  message!: string;
}

@InputType()
export class OptOutByEmailInput {
  @Field({ description: 'The email address of the account to opt out. Nothing else is asked (11 CCR 7060(b)).' })
  @IsEmailAddress()
  @MaxLength(254)
  email!: string;
}

@ObjectType('ProcessingDecision', { description: 'Whether a service may process a subject’s data for a purpose, and why.' })
export class ProcessingDecisionView {
  @Field(() => ID)
  subjectId!: string;

  @Field()
  purpose!: string;

  @Field({ description: 'consent, contract, legitimate_interests, legal_obligation, opt_out' })
  legalBasis!: string;

  @Field()
  allowed!: boolean;

  @Field(() => ProcessingReason)
  reason!: ProcessingReason;

  @Field({ description: 'For people: the rule that decided, with its source.' })
  explanation!: string;

  @Field()
  decidedAt!: Date;

  static from(a: ProcessingAnswer): ProcessingDecisionView {
    return Object.assign(new ProcessingDecisionView(), {
      subjectId: a.subjectId,
      purpose: a.purpose.key,
      legalBasis: a.purpose.legalBasis,
      allowed: a.allowed,
      reason: a.reason,
      explanation: a.explanation,
      decidedAt: a.decidedAt,
    });
  }
}

@ArgsType()
export class ProcessingAllowedArgs {
  @Field(() => ID)
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'subjectId must be a subject id' })
  subjectId!: string;

  @Field({ description: 'A processing purpose of the policy: account, security, transaction_records, service_improvement, marketing.email, cookie.<category>, sale_share.' })
  @Length(1, 64)
  purpose!: string;
}

export const REQUEST_STATUSES = ['received', 'awaiting_confirmation', 'in_progress', 'completed', 'denied', 'cancelled', 'expired', 'failed'] as const;

@ArgsType()
export class PrivacyRequestsArgs extends StaffPageArgs {
  @Field(() => [String], { nullable: true, description: 'Only these statuses (received, in_progress, completed, …).' })
  @IsOptional()
  @IsIn(REQUEST_STATUSES as unknown as string[], { each: true })
  status?: string[];

  @Field(() => String, { nullable: true, description: 'Only this type (a policy right key, e.g. ccpa_opt_out).' })
  @IsOptional()
  @Length(1, 64)
  type?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only open requests past their (extended) due date.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

@ObjectType('PrivacyRequest', { description: 'A rights request with its deadline and the record 11 CCR 7101 asks for.' })
export class PrivacyRequestView {
  @Field(() => ID) id!: string;
  @Field({ description: 'The right: a policy right key (ccpa_opt_out, access, erasure, …).' }) type!: string;
  @Field() regime!: string;
  @Field(() => ID, { nullable: true }) subjectId!: string | null;
  @Field({ description: 'How it came in (7101 "manner"): api, email_link, gpc, staff, page.' }) manner!: string;
  @Field() status!: string;
  @Field() receivedAt!: Date;
  @Field() dueAt!: Date;
  @Field(() => Date, { nullable: true }) extendedDueAt!: Date | null;
  @Field({ description: 'Open and past its (extended) due date.' }) overdue!: boolean;
  @Field(() => ID, { nullable: true }) workflowId!: string | null;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  @Field(() => String, { nullable: true }) response!: string | null;
  @Field(() => String, { nullable: true }) denialBasis!: string | null;
  @Field(() => Date, { nullable: true, description: 'The record is erased after this (24 months after closing, 11 CCR 7101(a)).' }) retainUntil!: Date | null;

  static from(r: PrivacyRequest, now: Date): PrivacyRequestView {
    const open = !r.respondedAt && ['received', 'awaiting_confirmation', 'in_progress'].includes(r.status);
    return Object.assign(new PrivacyRequestView(), {
      id: r.id,
      type: r.type,
      regime: r.regime,
      subjectId: r.subjectId,
      manner: r.manner,
      status: r.status,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      extendedDueAt: r.extendedDueAt,
      overdue: open && (r.extendedDueAt ?? r.dueAt).getTime() < now.getTime(),
      workflowId: r.workflowId,
      respondedAt: r.respondedAt,
      response: r.response,
      denialBasis: r.denialBasis,
      retainUntil: r.retainUntil,
    });
  }
}

@ObjectType()
export class PrivacyRequestPageInfo {
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field() hasNextPage!: boolean;
}

@ObjectType('PrivacyRequestConnection')
export class PrivacyRequestConnection {
  @Field(() => [PrivacyRequestView]) nodes!: PrivacyRequestView[];
  @Field(() => PrivacyRequestPageInfo) pageInfo!: PrivacyRequestPageInfo;
}
