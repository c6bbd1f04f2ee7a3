import { AgeGateCheck } from './age-gate-check.entity';
import { AuditEvent, AuditHead } from './audit-event.entity';
import { ConsentRecord } from './consent-record.entity';
import { LegalHold } from './legal-hold.entity';
import { PrivacyRequest } from './privacy-request.entity';
import { Recipient } from './recipient.entity';
import { PolicyVersion } from './policy-version.entity';

export { AgeGateCheck, AuditEvent, AuditHead, ConsentRecord, LegalHold, PolicyVersion, PrivacyRequest, Recipient };

/** Every TypeORM entity of the service. A new entity is added here and gets a migration for each dialect. */
export const ENTITIES: Function[] = [PolicyVersion, AuditEvent, AuditHead, AgeGateCheck, ConsentRecord, LegalHold, Recipient, PrivacyRequest];
