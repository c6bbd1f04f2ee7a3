import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'One entry of the audit trail: who read or changed which data of whom, when and from where.' })
export class AuditEvent {
  @Field(() => Int, { description: 'Position in the hash chain.' }) seq!: number;
  @Field() occurredAt!: Date;
  @Field(() => ID, { nullable: true, description: 'Who acted (null: the system, someone anonymous, or another person in your own view).' }) actorId!: string | null;
  @Field({ description: 'The role they acted in: subject, guardian, staff, admin, system, anonymous.' }) actorRole!: string;
  @Field({ description: 'What happened, e.g. account.read, account.update.' }) action!: string;
  @Field(() => ID, { nullable: true }) subjectId!: string | null;
  @Field(() => [String], { description: 'Policy data categories touched.' }) categories!: string[];
  @Field(() => [String], { description: 'Fields touched (never their values).' }) fields!: string[];
  @Field(() => String, { nullable: true }) operation!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
}

// The one PageInfo of every connection (a second type of the same name would clash with it).
import { PageInfo } from '../common/connection';
export { PageInfo };

@ObjectType({ simpleResolvers: true, description: 'A page of audit events, newest first.' })
export class AuditEventConnection {
  @Field(() => [AuditEvent]) nodes!: AuditEvent[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true, description: 'The result of re-computing the whole audit hash chain.' })
export class AuditChainReport {
  @Field() ok!: boolean;
  @Field(() => Int, { description: 'Rows verified before the first broken one (all rows when ok).' }) checked!: number;
  @Field(() => Int, { nullable: true, description: 'Sequence number of the first row that does not verify.' }) firstBrokenSeq!: number | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}
