import { IsInt, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ServiceKey as ServiceKeyRow } from '../../entities';
import { ServiceKeyService, SERVICE_KEY_MAX_DAYS } from '../../services/identity/service-key.service';
import { ErrorResult } from '../common/error-result';

export enum ServiceKeyStatusEnum {
  ACTIVE = 'active',
  EXPIRED = 'expired',
  REVOKED = 'revoked',
}
registerEnumType(ServiceKeyStatusEnum, { name: 'ServiceKeyStatus', description: 'ACTIVE keys work; EXPIRED and REVOKED ones answer UNAUTHENTICATED.' });

@ObjectType({ simpleResolvers: true, description: 'An API key of one of the site’s other services (role service: processingAllowed only). The key itself is never shown again; its prefix names it.' })
export class ServiceKey {
  @Field(() => ID) id!: string;
  @Field({ description: 'The service that holds it.' }) name!: string;
  @Field() description!: string;
  @Field({ description: 'The public part of the key (csk_<prefix>_…), as it appears in logs.' }) prefix!: string;
  @Field(() => ServiceKeyStatusEnum) status!: ServiceKeyStatusEnum;
  @Field(() => ID, { description: 'The admin who issued it.' }) createdBy!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Last call with the key (to the minute).' }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'null: no end.' }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => ID, { nullable: true }) revokedBy!: string | null;

  static from(row: ServiceKeyRow, now: Date): ServiceKey {
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    return Object.assign(new ServiceKey(), {
      id: row.id,
      name: row.name,
      description: row.description,
      prefix: row.prefix,
      status: ServiceKeyService.status(row, now) as ServiceKeyStatusEnum,
      createdBy: row.createdBy,
      createdAt: new Date(row.createdAt),
      lastUsedAt: date(row.lastUsedAt),
      expiresAt: date(row.expiresAt),
      revokedAt: date(row.revokedAt),
      revokedBy: row.revokedBy,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class CreatedServiceKey {
  @Field(() => ServiceKey) serviceKey!: ServiceKey;
  @Field({ description: 'The key, shown only now: the service sends it as Authorization: Bearer <key>. Only its HMAC is stored.' })
  key!: string;
}

@InputType()
export class CreateServiceKeyInput {
  @Field({ description: 'The service that will hold the key, e.g. "newsletter-sender".' })
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, { message: 'name: letters, digits, spaces, dots, dashes and underscores' })
  name!: string;

  @Field({ description: 'What the service is and why it asks.' }) @Length(1, 500) description!: string;

  @Field(() => Int, { nullable: true, description: `Days until the key stops working (1–${SERVICE_KEY_MAX_DAYS}); left out: no end (revoke it when done).` })
  @IsOptional()
  @IsInt()
  expiresInDays?: number;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class InvalidServiceKeyExpiryError extends ErrorResult {}
@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class InvalidServiceKeyNameError extends ErrorResult {}
@ObjectType({ implements: ErrorResult, simpleResolvers: true }) export class ServiceKeyAlreadyRevokedError extends ErrorResult {}

@InputType({ description: 'Which service key to end.' })
export class RevokeServiceKeyInput {
  @Field(() => ID, { description: 'The key (ServiceKey.id, never the key itself).' })
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'keyId is not a service key id' })
  keyId!: string;
}
