import { assign, setup } from 'xstate';
import { effect, type CancelTimerParams, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * A CCPA opt-out of sale/sharing (Cal. Civ. Code 1798.120, 1798.135; 11 CCR 7026). The opt-out is
 * already in effect for Consentry when this starts (the service recorded it in the same
 * transaction); the workflow makes it effective downstream: it tells every recipient subscribed to
 * `opt_out` by signed webhook, waits until each has accepted its notice, and holds the request to
 * its due date (15 business days, computed by the service on the business calendar). Past the due
 * date it is overdue (staff see it) and still completes when the last notice is delivered.
 */
export interface CcpaOptOutInput {
  requestId: string;
  subjectId: string | null;
  /** The app's device id, for an opt-out by Global Privacy Control from a device. */
  deviceId?: string | null;
  /** gpc | settings | email_link */
  method: string;
  /** Recipients subscribed to opt_out when the request came in: each must accept its notice. */
  recipientIds: string[];
  /** Milliseconds from the start to the request's due date. */
  deadlineMs: number;
  /** Opt-out by email: the address that gets the notice. */
  noticeEmail?: string | null;
  locale?: string;
}

export interface CcpaOptOutContext {
  requestId: string;
  subjectId: string | null;
  deviceId: string | null;
  method: string;
  pending: string[];
  delivered: string[];
  deadlineMs: number;
  noticeEmail: string | null;
  locale: string;
  late: boolean;
}

export type CcpaOptOutEvent = { type: 'notice.delivered'; recipientId: string } | { type: 'timer.deadline' };

export interface NotifyRecipientsParams {
  requestId: string;
  subjectId: string | null;
  deviceId: string | null;
  method: string;
}

export interface RequestRefParams {
  requestId: string;
  late?: boolean;
}

export const CCPA_OPT_OUT = 'ccpa-opt-out';

const machineSetup = setup({
  types: {
    context: {} as CcpaOptOutContext,
    input: {} as CcpaOptOutInput,
    events: {} as CcpaOptOutEvent,
  },
  actions: {
    sendEmail: effect<SendEmailParams>(),
    startTimer: effect<StartTimerParams>(),
    cancelTimer: effect<CancelTimerParams>(),
    notifyOptOutRecipients: effect<NotifyRecipientsParams>(),
    markOptOutOverdue: effect<RequestRefParams>(),
    completeOptOut: effect<RequestRefParams>(),
    recordDelivery: assign(({ context, event }) => {
      if (event.type !== 'notice.delivered') return {};
      return { pending: context.pending.filter((id) => id !== event.recipientId), delivered: context.delivered.includes(event.recipientId) ? context.delivered : [...context.delivered, event.recipientId] };
    }),
  },
  guards: {
    hasNoticeEmail: ({ context }) => !!context.noticeEmail,
    allDelivered: ({ context }) => context.pending.length === 0,
  },
});

export const ccpaOptOutMachine = machineSetup.createMachine({
  id: CCPA_OPT_OUT,
  context: ({ input }) => ({
    requestId: input.requestId,
    subjectId: input.subjectId,
    deviceId: input.deviceId ?? null,
    method: input.method,
    pending: [...new Set(input.recipientIds)],
    delivered: [],
    deadlineMs: input.deadlineMs,
    noticeEmail: input.noticeEmail ?? null,
    locale: input.locale ?? 'en',
    late: false,
  }),
  initial: 'received',
  entry: [
    { type: 'notifyOptOutRecipients', params: ({ context }) => ({ requestId: context.requestId, subjectId: context.subjectId, deviceId: context.deviceId, method: context.method }) },
    { type: 'startTimer', params: ({ context }) => ({ name: 'deadline', delay: context.deadlineMs, event: 'timer.deadline' }) },
  ],
  states: {
    received: {
      always: [
        {
          guard: 'hasNoticeEmail',
          target: 'notifying',
          actions: { type: 'sendEmail', params: ({ context }) => ({ to: context.noticeEmail!, template: 'ccpa-opt-out-notice', locale: context.locale, params: { method: context.method } }) },
        },
        { target: 'notifying' },
      ],
    },
    notifying: {
      always: { guard: 'allDelivered', target: 'effective' },
      on: {
        'notice.delivered': { actions: 'recordDelivery' },
        'timer.deadline': {
          target: 'overdue',
          actions: [assign({ late: true }), { type: 'markOptOutOverdue', params: ({ context }) => ({ requestId: context.requestId }) }],
        },
      },
    },
    overdue: {
      always: { guard: 'allDelivered', target: 'effective' },
      on: { 'notice.delivered': { actions: 'recordDelivery' } },
    },
    effective: {
      type: 'final',
      entry: [{ type: 'cancelTimer', params: { name: 'deadline' } }, { type: 'completeOptOut', params: ({ context }) => ({ requestId: context.requestId, late: context.late }) }],
    },
  },
});
