import { AuditEvent, AuditHead } from './audit-event.entity';
import { PolicyVersion } from './policy-version.entity';
import { ActionToken } from './action-token.entity';
import { OutboxMessage } from './outbox-message.entity';
import { Timer } from './timer.entity';
import { Workflow, WorkflowEvent } from './workflow.entity';

export { AuditEvent, AuditHead, PolicyVersion };
export { ActionToken, OutboxMessage, Timer, Workflow, WorkflowEvent };

/** Every TypeORM entity of the service. A new entity is added here and gets a migration for each dialect. */
export const ENTITIES: Function[] = [PolicyVersion, AuditEvent, AuditHead, Workflow, WorkflowEvent, Timer, OutboxMessage, ActionToken];
