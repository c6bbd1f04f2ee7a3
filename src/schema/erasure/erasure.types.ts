import { PrivacyRequestStatusEnum } from '../consent/consent.enums';
import { ArrayMaxSize, IsEnum, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { PrivacyRequest } from '../../entities';
import { ErrorResult } from '../common/error-result';

export enum ErasureScopeEnum {
  ACCOUNT = 'account',
  CATEGORIES = 'categories',
}
registerEnumType(ErasureScopeEnum, { name: 'ErasureScope', description: 'ACCOUNT: the account and everything held with it. CATEGORIES: only the data of the named policy data categories.' });

@InputType()
export class RequestErasureInput {
  @Field(() => ErasureScopeEnum) @IsEnum(ErasureScopeEnum) scope!: ErasureScopeEnum;

  @Field(() => [String], { nullable: true, description: 'With CATEGORIES: policy data category keys (privacyPolicy.dataCategories.key), e.g. profile.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 32, { each: true })
  @Matches(/^[a-z][a-z0-9_]*$/, { each: true })
  categories?: string[] | null;
}

@InputType({ description: 'The failed erasure request to run again.' })
export class RetryErasureInput {
  @Field(() => ID, { description: 'The id of the erasure request (ErasureRequest.id).' }) @Matches(/^[A-Za-z0-9-]{1,36}$/) requestId!: string;
}

@InputType({ description: 'Which of your erasure requests to cancel.' })
export class CancelErasureInput {
  @Field(() => ID, { nullable: true, description: 'The id of the erasure request; leave it out for your erasure request in progress.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,36}$/)
  requestId?: string | null;
}

@ObjectType('ErasureRequest', { simpleResolvers: true, description: 'An erasure request (GDPR Art 17, CCPA delete) and where it stands.' })
export class ErasureRequest {
  @Field(() => ID) id!: string;
  @Field(() => PrivacyRequestStatusEnum, { description: 'Where the request stands: IN_PROGRESS once confirmed (it waits there for the end of the cancel window).' }) status!: string;
  @Field(() => ErasureScopeEnum) scope!: ErasureScopeEnum;
  @Field(() => [String]) categories!: string[];
  @Field() receivedAt!: Date;
  @Field({ description: 'The policy’s deadline (30 days).' }) dueAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the erasure runs, once confirmed.' }) scheduledFor!: Date | null;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  @Field(() => String, { nullable: true }) response!: string | null;
  @Field(() => String, { nullable: true, description: 'What was kept and why (GDPR Art 17(3)), or why nothing was erased.' }) denialBasis!: string | null;

  static from(row: PrivacyRequest): ErasureRequest {
    const details = JSON.parse(row.details) as { scope?: string; categories?: string[]; scheduledFor?: string };
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    return Object.assign(new ErasureRequest(), {
      id: row.id,
      status: row.status,
      scope: details.scope === 'categories' ? ErasureScopeEnum.CATEGORIES : ErasureScopeEnum.ACCOUNT,
      categories: details.categories ?? [],
      receivedAt: new Date(row.receivedAt),
      dueAt: new Date(row.dueAt),
      scheduledFor: details.scheduledFor ? new Date(details.scheduledFor) : null,
      respondedAt: date(row.respondedAt),
      response: row.response,
      denialBasis: row.denialBasis,
    });
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'ACCOUNT takes no categories; CATEGORIES needs one or more of the policy’s data category keys.' })
export class InvalidErasureCategoriesError extends ErrorResult {
  @Field(() => [String], { nullable: true, description: 'The keys the policy does not know.' }) unknown?: string[];
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'An erasure request is already in progress: confirm or cancel it first.' })
export class ErasureAlreadyRequestedError extends ErrorResult {
  @Field(() => ID) requestId!: string;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The request has ended or is being carried out: it can no longer be cancelled.' })
export class ErasureNotCancellableError extends ErrorResult {
  @Field(() => PrivacyRequestStatusEnum, { description: 'Where the request stands now.' }) status!: string;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Only a failed erasure can be retried.' })
export class ErasureNotRetryableError extends ErrorResult {
  @Field(() => PrivacyRequestStatusEnum, { description: 'Where the request stands now.' }) status!: string;
}
