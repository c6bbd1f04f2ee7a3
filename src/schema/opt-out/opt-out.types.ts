import { IsBoolean, IsIn, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { PrivacyRequest } from '../../entities';
import type { SaleShareState } from '../../services/opt-out/opt-out.service';
import { ProcessingReason } from '../../services/processing/processing-decision';
import type { ProcessingAnswer } from '../../services/processing/processing.service';
import { ErrorResult } from '../common/error-result';
import { StaffPageArgs } from '../common/staff-page.args';
import { IsEmailAddress } from '../common/email-address';
import { connectionType } from '../common/connection';
import { RegimeEnum } from '../policy/policy.types';
import { ConsentDecisionEnum, ConsentGiverEnum, ConsentMethodEnum, PrivacyRequestStatusEnum, ProcessingBasisEnum, RequestMannerEnum, RightKindEnum } from '../consent/consent.enums';
import { DEFAULT_RIGHT_KINDS, type Policy } from '../../policy';

registerEnumType(ProcessingReason, { name: 'ProcessingReason', description: 'Why processing is allowed or not (stable, for programs).' });

@ObjectType('SaleShareState', { description: 'Sale and sharing of your personal information (CCPA): whether it is off, since when, and how it was decided.' })
export class SaleShareStateView {
  @Field({ description: 'True when your data is not sold or shared: you opted out, or you are under 16 and no opt-in was given.' })
  optedOut!: boolean;

  @Field(() => ConsentDecisionEnum, { nullable: true, description: 'The latest decision on record (null when none was ever made).' })
  decision?: string;

  @Field(() => ConsentMethodEnum, { nullable: true, description: 'How the latest decision was made: settings, a Global Privacy Control signal, an email link, …' })
  method?: string;

  @Field(() => ConsentGiverEnum, { nullable: true, description: 'Who made the latest decision: you, a parent, staff or the service itself.' })
  givenBy?: string;

  @Field(() => Date, { nullable: true, description: 'When the latest decision was made.' })
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

  @Field(() => ProcessingBasisEnum, { description: 'What the purpose relies on under the policy.' })
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
  @Field(() => [PrivacyRequestStatusEnum], { nullable: true, description: 'Only requests in one of these statuses.' })
  @IsOptional()
  @IsIn(REQUEST_STATUSES as unknown as string[], { each: true })
  status?: string[];

  @Field(() => RightKindEnum, { nullable: true, description: 'Only requests for a right of this kind.' })
  @IsOptional()
  type?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only open requests past their (extended) due date.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

/** The kind of a policy right key: the policy's own kind, else the built-in policy's. */
export function rightKindOf(policy: Policy, key: string): string {
  return policy.rights.find((r) => r.key === key)?.kind ?? DEFAULT_RIGHT_KINDS[key] ?? key;
}

@ObjectType('PrivacyRequest', { description: 'A rights request with its deadline and the record 11 CCR 7101 asks for. Staff read these through privacyRequests.' })
export class PrivacyRequestView {
  @Field(() => ID, { description: 'The request’s id.' }) id!: string;
  @Field(() => RightKindEnum, { description: 'The kind of right the request exercises.' }) type!: string;
  @Field({ description: 'The policy’s key of the right (for example ccpa_opt_out or erasure), as listed by privacyPolicy.' }) rightKey!: string;
  @Field(() => RegimeEnum, { description: 'The privacy law the right comes from; it sets the deadline.' }) regime!: string;
  @Field(() => ID, { nullable: true, description: 'The person the request is about; null when it came in without an account (for example by email link) or the account was erased.' }) subjectId!: string | null;
  @Field(() => RequestMannerEnum, { description: 'How the request came in (the “manner” of 11 CCR 7101).' }) manner!: string;
  @Field(() => PrivacyRequestStatusEnum, { description: 'Where the request stands.' }) status!: string;
  @Field({ description: 'When the request was received.' }) receivedAt!: Date;
  @Field({ description: 'The deadline for answering the request.' }) dueAt!: Date;
  @Field(() => Date, { nullable: true, description: 'The extended deadline, when the deadline was extended; null otherwise.' }) extendedDueAt!: Date | null;
  @Field({ description: 'Open and past its (extended) due date.' }) overdue!: boolean;
  @Field(() => ID, { nullable: true, description: 'The workflow that carries the request out, when one does.' }) workflowId!: string | null;
  @Field(() => Date, { nullable: true, description: 'When the request was answered; null while it is open.' }) respondedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The answer given, once answered.' }) response!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the request was refused in whole or part, when it was.' }) denialBasis!: string | null;
  @Field(() => Date, { nullable: true, description: 'The record is erased after this (24 months after closing, 11 CCR 7101(a)).' }) retainUntil!: Date | null;

  static from(r: PrivacyRequest, now: Date, policy: Policy): PrivacyRequestView {
    const open = !r.respondedAt && ['received', 'awaiting_confirmation', 'in_progress'].includes(r.status);
    return Object.assign(new PrivacyRequestView(), {
      id: r.id,
      type: rightKindOf(policy, r.type),
      rightKey: r.type,
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

export const PrivacyRequestConnection = connectionType(PrivacyRequestView, {
  name: 'PrivacyRequest',
  description: 'A page of privacy requests, soonest due first.',
  nodeDescription: 'privacy request',
});
export type PrivacyRequestConnection = InstanceType<typeof PrivacyRequestConnection>;
