import type { WorkflowDefinition } from './runtime/workflow-registry';
import { ccpaOptOutV1 } from './ccpa-opt-out/ccpa-opt-out.workflow';
import { emailChangeV1 } from './email-change/email-change.workflow';
import { erasureWorkflow } from './erasure/erasure.workflow';
import { registrationV1 } from './registration/registration.workflow';
import { parentalConsentMachine } from './parental-consent/parental-consent.machine';
import { parentalConsentMachineV1 } from './parental-consent/parental-consent.machine.v1';
import {
  PARENTAL_CONSENT_LINKS,
  parentalConsentAgeUpTemplate,
  parentDashboardTemplate,
  parentalConsentConfirmationTemplate,
  parentalConsentReminderTemplate,
  parentalConsentRequestTemplate,
  parentalVerificationExpiredTemplate,
  parentalVerificationReminderTemplate,
  parentalVerificationRequestTemplate,
  parentalConsentRevokedTemplate,
  parentalDataDeletedTemplate,
} from './parental-consent/parental-consent.templates';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [
  registrationV1,
  emailChangeV1,
  erasureWorkflow,
  ccpaOptOutV1,
  {
    machine: parentalConsentMachineV1,
    version: 1,
    description: 'Version 1 (frozen): kept until the workflows it started have ended.',
    templates: [parentalConsentRequestTemplate, parentalConsentReminderTemplate, parentalConsentConfirmationTemplate, parentalConsentAgeUpTemplate, parentDashboardTemplate],
    links: PARENTAL_CONSENT_LINKS,
  },
  {
    machine: parentalConsentMachine,
    version: 2,
    description: 'Verifiable parental consent for a child account (COPPA §312.5): direct notice, email plus, stronger verification by staff for disclosing features, expiry and decline delete; after a revocation the parent may still delete, and the data is erased when the retention ends; at the local age of consent control moves to the teen, who confirms or changes the settings through a handover link.',
    templates: [
      parentalConsentRequestTemplate,
      parentalConsentReminderTemplate,
      parentalConsentConfirmationTemplate,
      parentalConsentAgeUpTemplate,
      parentDashboardTemplate,
      parentalVerificationRequestTemplate,
      parentalVerificationReminderTemplate,
      parentalVerificationExpiredTemplate,
      parentalConsentRevokedTemplate,
      // Sent by the eraseChild effect (ChildErasureService), not by a machine action: both versions use it.
      parentalDataDeletedTemplate,
    ],
    links: PARENTAL_CONSENT_LINKS,
  },
];
