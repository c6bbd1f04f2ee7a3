/**
 * Room for verification providers stronger than email plus (16 CFR 312.5(b)(2): a card transaction
 * that notifies the account holder, a government ID checked against a face, knowledge-based
 * questions). None ships: today the parent returns a signed form or asks for a call or video check
 * on the verification page (ParentalEvidenceService), privacy staff verify and decide with
 * `decideParentalVerification`, and the machine records the method (`signed_form`, `phone_call`,
 * `video_call`, or `staff_verified` when nothing was returned) with the evidence id.
 *
 * A provider plugs in at the same place: its callback calls
 * `WorkflowRuntime.deliver(workflowId, { type: 'staff.approve' | 'staff.reject', staffId, note, method })`
 * for a workflow in `awaiting_stronger_verification`, with its own method name added to
 * CONSENT_METHODS (src/policy/consent-purposes.ts) and to the methods the machine accepts
 * (`decidedMethod`, a new machine version). It must never see more about the child than the workflow id.
 */
export interface ParentVerificationProvider {
  /** The consent method it proves, e.g. 'card_transaction' (recorded on each consent record). */
  readonly method: string;
  /** Starts a check for one parental-consent workflow; the parent continues at `redirectUrl`. */
  start(request: { workflowId: string; parentEmail: string; locale: string }): Promise<{ redirectUrl: string; reference: string }>;
  /** Verifies and reads a callback from the provider (signature, replay): the outcome for a workflow. */
  parseCallback(body: unknown, headers: Record<string, string | undefined>): Promise<{ workflowId: string; reference: string; verified: boolean; note: string } | undefined>;
}
