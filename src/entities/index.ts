import { AuditEvent, AuditHead } from './audit-event.entity';
import { PolicyVersion } from './policy-version.entity';
import { ActionToken } from './action-token.entity';
import { OutboxMessage } from './outbox-message.entity';
import { Profile } from './profile.entity';
import { RateLimitCounter } from './rate-limit-counter.entity';
import { RecoveryCode } from './recovery-code.entity';
import { Session } from './session.entity';
import { Subject } from './subject.entity';
import { Timer } from './timer.entity';
import { Workflow, WorkflowEvent } from './workflow.entity';

export { AuditEvent, AuditHead, PolicyVersion };
export { Profile, RateLimitCounter, RecoveryCode, Session, Subject };
export type { SubjectStatus } from './subject.entity';
export { ActionToken, OutboxMessage, Timer, Workflow, WorkflowEvent };

/** Every TypeORM entity of the service. A new entity is added here and gets a migration for each dialect. */
export const ENTITIES: Function[] = [
  PolicyVersion,
  AuditEvent,
  AuditHead,
  Subject,
  Profile,
  Session,
  RecoveryCode,
  RateLimitCounter,
  // Rows found through their workflow come before Workflow: erasure deletes in this order.
  WorkflowEvent,
  Timer,
  ActionToken,
  OutboxMessage,
  Workflow,
];
