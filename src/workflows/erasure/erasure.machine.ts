import { assign, setup } from 'xstate';
import { effect, type CancelTimerParams, type RevokeLinksParams, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * Erasure confirmation (GDPR Art 17, CCPA delete; the policy's "Right to Erasure").
 *
 * Started by `requestErasure` once the session has re-proved the password (and second factor):
 * mails an explicit-confirmation link; the link's page says what will be deleted, what kept and
 * why, and when. Confirming opens a cancel window (link in the mail, or `cancelErasure`); when it
 * ends a timer runs the erasure (`executeErasure`, one transaction). If that throws, the transaction
 * rolls back and the timer's onError event moves the request to `failed`, where staff can retry.
 * An unconfirmed request expires with its link. Pure: every effect is a named action.
 */
export type ErasureScope = 'account' | 'categories';

export interface ErasureInput {
  requestId: string;
  subjectId: string;
  email: string;
  locale: string;
  scope: ErasureScope;
  categories: string[];
  /** Durations from the config: confirmation link lifetime and cancel window. */
  confirmTtl: string | number;
  cancelWindow: string | number;
}

export interface ErasureContext extends ErasureInput {
  /** Failed execution attempts (each rolled back). */
  failures: number;
}

export type ErasureEvent =
  | { type: 'erasure.confirm' }
  | { type: 'erasure.cancel' }
  | { type: 'erasure.retry' }
  | { type: 'erasure.failed'; error?: string }
  | { type: 'timer.confirmExpired' }
  | { type: 'timer.execute' };

/** Parameters of the domain effects (src/services/erasure/erasure.effects.ts performs them). */
export interface ErasureRequestRef {
  requestId: string;
}
export interface CloseErasureParams extends ErasureRequestRef {
  status: 'expired' | 'cancelled';
}
export interface ExecuteErasureParams extends ErasureRequestRef {
  subjectId: string;
  email: string;
  locale: string;
  scope: ErasureScope;
  categories: string[];
}

export const ERASURE_CONFIRM_LINK = 'erasure-confirm';
export const ERASURE_CANCEL_LINK = 'erasure-cancel';

const mailTo = (context: ErasureContext, template: string, params: Record<string, unknown> = {}) => ({
  to: context.email,
  template,
  locale: context.locale,
  params: { scope: context.scope, categories: context.categories, ...params },
});

const executeTimer = ({ context }: { context: ErasureContext }): StartTimerParams => ({ name: 'execute', delay: context.cancelWindow, event: 'timer.execute', onError: 'erasure.failed' });

export const erasureMachine = setup({
  types: {
    context: {} as ErasureContext,
    input: {} as ErasureInput,
    events: {} as ErasureEvent,
  },
  actions: {
    sendEmail: effect<SendEmailParams>(),
    startTimer: effect<StartTimerParams>(),
    cancelTimer: effect<CancelTimerParams>(),
    revokeLinks: effect<RevokeLinksParams>(),
    markErasureConfirmed: effect<ErasureRequestRef>(),
    closeErasureRequest: effect<CloseErasureParams>(),
    markErasureFailed: effect<ErasureRequestRef>(),
    markErasureRetried: effect<ErasureRequestRef>(),
    executeErasure: effect<ExecuteErasureParams>(),
  },
}).createMachine({
  id: 'erasure',
  context: ({ input }) => ({ ...input, failures: 0 }),
  initial: 'awaitingConfirmation',
  entry: [
    {
      type: 'sendEmail',
      params: ({ context }) => ({ ...mailTo(context, 'erasure-confirm'), link: { purpose: ERASURE_CONFIRM_LINK, event: 'erasure.confirm', ttl: context.confirmTtl } }),
    },
    { type: 'startTimer', params: ({ context }) => ({ name: 'confirm-expiry', delay: context.confirmTtl, event: 'timer.confirmExpired' }) },
  ],
  states: {
    awaitingConfirmation: {
      on: {
        'erasure.confirm': {
          target: 'scheduled',
          actions: [
            { type: 'cancelTimer', params: { name: 'confirm-expiry' } },
            { type: 'markErasureConfirmed', params: ({ context }) => ({ requestId: context.requestId }) },
            { type: 'startTimer', params: executeTimer },
            {
              type: 'sendEmail',
              params: ({ context }) => ({ ...mailTo(context, 'erasure-scheduled'), link: { purpose: ERASURE_CANCEL_LINK, event: 'erasure.cancel', ttl: context.cancelWindow } }),
            },
          ],
        },
        'timer.confirmExpired': {
          target: 'expired',
          actions: [
            { type: 'closeErasureRequest', params: ({ context }) => ({ requestId: context.requestId, status: 'expired' as const }) },
            { type: 'sendEmail', params: ({ context }) => mailTo(context, 'erasure-expired') },
          ],
        },
        'erasure.cancel': {
          target: 'cancelled',
          actions: [
            { type: 'closeErasureRequest', params: ({ context }) => ({ requestId: context.requestId, status: 'cancelled' as const }) },
            { type: 'sendEmail', params: ({ context }) => mailTo(context, 'erasure-cancelled') },
          ],
        },
      },
    },
    scheduled: {
      on: {
        'erasure.cancel': {
          target: 'cancelled',
          actions: [
            { type: 'cancelTimer', params: { name: 'execute' } },
            { type: 'closeErasureRequest', params: ({ context }) => ({ requestId: context.requestId, status: 'cancelled' as const }) },
            { type: 'sendEmail', params: ({ context }) => mailTo(context, 'erasure-cancelled') },
          ],
        },
        'timer.execute': {
          target: 'erased',
          actions: [
            {
              type: 'executeErasure',
              params: ({ context }) => ({ requestId: context.requestId, subjectId: context.subjectId, email: context.email, locale: context.locale, scope: context.scope, categories: context.categories }),
            },
            // The address is personal data: once the erasure ran (and queued its last mail) the workflow forgets it.
            assign({ email: '' }),
          ],
        },
        'erasure.failed': {
          target: 'failed',
          actions: [assign({ failures: ({ context }) => context.failures + 1 }), { type: 'markErasureFailed', params: ({ context }) => ({ requestId: context.requestId }) }],
        },
      },
    },
    failed: {
      on: {
        // Staff retry: the execution runs again from a timer (due now), so a failure lands here again.
        'erasure.retry': {
          target: 'scheduled',
          actions: [
            { type: 'markErasureRetried', params: ({ context }) => ({ requestId: context.requestId }) },
            { type: 'startTimer', params: { name: 'execute', delay: 0, event: 'timer.execute', onError: 'erasure.failed' } },
          ],
        },
      },
    },
    erased: { type: 'final' },
    cancelled: { type: 'final' },
    expired: { type: 'final' },
  },
});
