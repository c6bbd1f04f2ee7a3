import type { AssuranceLevel, Right, StepCondition, VerificationStepEntry, VerificationStepKey } from './policy.schema';
import { ASSURANCE_LEVELS } from './policy.schema';

/**
 * What each verification step is, whatever right asks for it: what it proves, who checks it, and
 * whether the person hands over a document. Documents reuse the sealed evidence storage of the
 * parental flow, are checked by staff, and are deleted when the request closes; only that they
 * were verified, by whom and how is kept.
 */
export interface VerificationStepInfo {
  label: string;
  /** identity: who the person is; intent: that they mean it; authority: that they may act for someone; request: what they ask. */
  proves: 'identity' | 'intent' | 'authority' | 'request';
  /** system: the service checks it (sign-in, a code, a link); staff: privacy staff look at it; person: the person's own statement. */
  checkedBy: 'system' | 'staff' | 'person';
  /** True: a file kept in sealed evidence storage until the request closes. */
  document: boolean;
  citation?: string;
}

export const VERIFICATION_STEP_CATALOGUE: Readonly<Record<VerificationStepKey, VerificationStepInfo>> = {
  account_verification: { label: 'Signed in, with the password entered again (and the second factor where it is on)', proves: 'identity', checkedBy: 'system', document: false, citation: '11 CCR 7061(a)' },
  second_factor: { label: 'A second-factor code: TOTP, or a code mailed to the account’s address for people without an authenticator', proves: 'identity', checkedBy: 'system', document: false },
  explicit_confirmation: { label: 'Confirming the request through a link mailed to the account’s address', proves: 'intent', checkedBy: 'system', document: false, citation: '11 CCR 7022' },
  government_id: { label: 'Government-issued identification', proves: 'identity', checkedBy: 'staff', document: true },
  proof_of_address: { label: 'Proof of address', proves: 'identity', checkedBy: 'staff', document: true },
  data_points_2: { label: 'Two pieces of personal information matched against what we hold', proves: 'identity', checkedBy: 'staff', document: false, citation: '11 CCR 7062(b)' },
  data_points_3: { label: 'Three pieces of personal information matched against what we hold', proves: 'identity', checkedBy: 'staff', document: false, citation: '11 CCR 7062(c)' },
  signed_declaration: { label: 'A declaration signed under penalty of perjury that the requester is the person', proves: 'identity', checkedBy: 'staff', document: true, citation: '11 CCR 7062(c)' },
  supporting_documentation: { label: 'Documentation supporting a correction', proves: 'request', checkedBy: 'staff', document: true, citation: '11 CCR 7023' },
  agent_permission: { label: 'The person’s signed permission for an authorized agent', proves: 'authority', checkedBy: 'staff', document: true, citation: '11 CCR 7063' },
  guardian_verification: { label: 'The parent’s verified link to the child (verifiable parental consent)', proves: 'identity', checkedBy: 'system', document: false, citation: '16 CFR 312.6(a)(3)' },
  correction_details: { label: 'What is wrong and what it should say', proves: 'request', checkedBy: 'person', document: false },
  restriction_parameters: { label: 'What to restrict, and on which ground', proves: 'request', checkedBy: 'person', document: false, citation: 'GDPR Art 18(1)' },
  processing_activity: { label: 'Which processing the request is about', proves: 'request', checkedBy: 'person', document: false },
  format_choice: { label: 'The export format', proves: 'request', checkedBy: 'person', document: false, citation: 'GDPR Art 20(1)' },
  destination: { label: 'Where to send the data, for a direct transfer', proves: 'request', checkedBy: 'person', document: false, citation: 'GDPR Art 20(2)' },
};

/** True where `reached` is at least `needed`. */
export function assuranceAtLeast(reached: AssuranceLevel, needed: AssuranceLevel): boolean {
  return ASSURANCE_LEVELS.indexOf(reached) >= ASSURANCE_LEVELS.indexOf(needed);
}

/**
 * The steps a right asks of one requester: those for everyone, plus those whose situation applies
 * (`situations`: account_holder or no_account, agent, parent, second_factor_enabled, and
 * reasonable_doubt once staff record one). `required` are the steps the request waits for.
 */
export function stepsFor(right: Pick<Right, 'verificationSteps'>, situations: readonly StepCondition[]): { required: VerificationStepEntry[]; optional: VerificationStepEntry[] } {
  const applies = (s: VerificationStepEntry) => !s.when.length || s.when.some((w) => situations.includes(w));
  const steps = right.verificationSteps.filter(applies);
  return { required: steps.filter((s) => s.required), optional: steps.filter((s) => !s.required) };
}
