import type { AuditService } from '../audit/audit.service';
import type { PrivacyRequestService } from '../privacy-request.service';
import type { RecipientNoticeService } from '../webhooks/recipient-notice.service';
import type { NotifyRecipientsParams, RequestRefParams } from '../../workflows/ccpa-opt-out/ccpa-opt-out.machine';
import type { EffectHandler } from '../../workflows/runtime/workflow-registry';

/** The domain writes the `ccpa-opt-out` machine names, each in the delivery's transaction. */
export function optOutEffects(deps: { notices: RecipientNoticeService; requests: PrivacyRequestService; audit: AuditService }): Record<string, EffectHandler> {
  return {
    /** One signed webhook per recipient subscribed to opt_out; the outbox delivers and retries them. */
    notifyOptOutRecipients: async (em, params, ctx) => {
      const p = params as unknown as NotifyRecipientsParams;
      await deps.notices.notify(em, 'opt_out', {
        subjectId: p.subjectId,
        data: { requestId: p.requestId, method: p.method, ...(p.deviceId ? { deviceId: p.deviceId } : {}), purposes: ['sale_share'] },
        workflowId: ctx.workflow.id,
      });
    },
    markOptOutOverdue: async (em, params, ctx) => {
      const p = params as unknown as RequestRefParams;
      await deps.audit.append(em, {
        actorRole: 'system',
        action: 'privacy_request.overdue',
        subjectId: ctx.workflow.subjectId,
        operation: 'ccpa-opt-out',
        details: { requestId: p.requestId, workflowId: ctx.workflow.id },
      });
    },
    completeOptOut: async (em, params) => {
      const p = params as unknown as RequestRefParams;
      await deps.requests.close(em, p.requestId, {
        status: 'completed',
        response: p.late
          ? 'Opted out of sale and sharing; every downstream recipient confirmed receipt of the notice, after the 15-business-day deadline.'
          : 'Opted out of sale and sharing; every downstream recipient confirmed receipt of the notice within 15 business days.',
      });
    },
  };
}
