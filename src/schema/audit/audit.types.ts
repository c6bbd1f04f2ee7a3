import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type ConnectionShape, connectionType } from '../common/connection';

/** The role someone acted in, as the audit trail stores it (lower case); the schema shows the key. */
export enum AuditActorRole {
  SUBJECT = 'subject',
  GUARDIAN = 'guardian',
  STAFF = 'staff',
  ADMIN = 'admin',
  SERVICE = 'service',
  SYSTEM = 'system',
  ANONYMOUS = 'anonymous',
}
registerEnumType(AuditActorRole, {
  name: 'AuditActorRole',
  description: 'The role in which someone acted on an audited event.',
  valuesConfig: {
    SUBJECT: { description: 'A person acting on their own account.' },
    GUARDIAN: { description: 'A parent acting for their child.' },
    STAFF: { description: 'A staff member (with two-factor authentication).' },
    ADMIN: { description: 'An administrator (with two-factor authentication).' },
    SERVICE: { description: 'Another of the site’s services, calling with a service key.' },
    SYSTEM: { description: 'The service itself: a timer, a workflow step or a command-line task.' },
    ANONYMOUS: { description: 'Someone not signed in, e.g. following an emailed link.' },
  },
});

/** Why the audit hash chain does not verify at a row (the service's `reason` codes). */
export enum AuditChainBreak {
  ROW_MISSING = 'row_missing',
  PREVIOUS_HASH_MISMATCH = 'previous_hash_mismatch',
  CONTENT_HASH_MISMATCH = 'content_hash_mismatch',
  PSEUDONYM_MISMATCH = 'pseudonym_mismatch',
  TAIL_MISSING = 'tail_missing',
}
registerEnumType(AuditChainBreak, {
  name: 'AuditChainBreak',
  description: 'What is wrong with the first audit row that does not verify.',
  valuesConfig: {
    ROW_MISSING: { description: 'A row is missing from the sequence (deleted).' },
    PREVIOUS_HASH_MISMATCH: { description: 'The row’s previous hash does not match the row before it (rows removed or reordered).' },
    CONTENT_HASH_MISMATCH: { description: 'The row’s content does not match its hash (edited).' },
    PSEUDONYM_MISMATCH: { description: 'An identifier on the row does not match its pseudonym (edited).' },
    TAIL_MISSING: { description: 'Rows are missing at the end of the chain (the newest were deleted).' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One entry of the audit trail: who read or changed which data of whom, when and from where.' })
export class AuditEvent {
  @Field(() => ID, { description: 'The event’s stable id: its position in the hash chain, as a string.' })
  get id(): string {
    return String(this.seq);
  }
  @Field(() => Int, { description: 'Position in the hash chain.' }) seq!: number;
  @Field() occurredAt!: Date;
  @Field(() => ID, { nullable: true, description: 'Who acted (null: the system, someone anonymous, or another person in your own view).' }) actorId!: string | null;
  @Field(() => AuditActorRole, { description: 'The role they acted in.' }) actorRole!: AuditActorRole;
  @Field({ description: 'What happened, e.g. account.read, account.update.' }) action!: string;
  @Field(() => ID, { nullable: true }) subjectId!: string | null;
  @Field(() => [String], { description: 'Policy data categories touched.' }) categories!: string[];
  @Field(() => [String], { description: 'Fields touched (never their values).' }) fields!: string[];
  @Field(() => String, { nullable: true }) operation!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
}

export const AuditEventConnection = connectionType(AuditEvent, { name: 'AuditEvent', description: 'A page of audit events, newest first.', nodeDescription: 'audit event' });
export type AuditEventConnection = ConnectionShape<AuditEvent>;

@ObjectType({ simpleResolvers: true, description: 'The result of re-computing the whole audit hash chain.' })
export class AuditChainReport {
  @Field() ok!: boolean;
  @Field(() => Int, { description: 'Rows verified before the first broken one (all rows when ok).' }) checked!: number;
  @Field(() => Int, { nullable: true, description: 'Sequence number of the first row that does not verify.' }) firstBrokenSeq!: number | null;
  @Field(() => AuditChainBreak, { nullable: true, description: 'What is wrong with the first row that does not verify (null when ok).' }) reason!: AuditChainBreak | null;
}
