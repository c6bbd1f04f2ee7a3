import { AgeGateCheck } from './age-gate-check.entity';
import { AuditEvent, AuditHead } from './audit-event.entity';
import { ConsentRecord } from './consent-record.entity';
import { LegalHold } from './legal-hold.entity';
import { PrivacyRequest } from './privacy-request.entity';
import { Recipient } from './recipient.entity';
import { PolicyVersion } from './policy-version.entity';
import { Profile } from './profile.entity';
import { RateLimitCounter } from './rate-limit-counter.entity';
import { RecoveryCode } from './recovery-code.entity';
import { Session } from './session.entity';
import { Subject } from './subject.entity';
import { ActionToken } from './action-token.entity';
import { OutboxMessage } from './outbox-message.entity';
import { Timer } from './timer.entity';
import { Workflow, WorkflowEvent } from './workflow.entity';
import { SubjectAge } from './subject-age.entity';
import { GuardianLink } from './guardian-link.entity';
import { ParentalEvidence, ParentalEvidencePart } from './parental-evidence.entity';
import { ServiceKey } from './service-key.entity';
import { DeviceOptOut } from './device-opt-out.entity';

export { AgeGateCheck, AuditEvent, AuditHead, ConsentRecord, LegalHold, PolicyVersion, PrivacyRequest, Recipient };
export { Profile, RateLimitCounter, RecoveryCode, Session, Subject };
export { ActionToken, OutboxMessage, Timer, Workflow, WorkflowEvent };
export type { SubjectStatus } from './subject.entity';
export { SubjectAge };
export { GuardianLink };
export { ServiceKey };
export { DeviceOptOut };
export type { ChildErasureReason, GuardianLinkStatus } from './guardian-link.entity';
export { ParentalEvidence, ParentalEvidencePart };
export type { ParentalEvidenceMethod } from './parental-evidence.entity';

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
  AgeGateCheck,
  ConsentRecord,
  DeviceOptOut,
  LegalHold,
  Recipient,
  ServiceKey,
  PrivacyRequest,
  SubjectAge,
  GuardianLink,
  ParentalEvidencePart,
  ParentalEvidence,
  // A workflow's events, timers and links are found through it: they come first, so erasure
  // (which follows this order) deletes them before the workflow rows.
  WorkflowEvent,
  Timer,
  ActionToken,
  OutboxMessage,
  Workflow,
];
