import { setup } from 'xstate';
import { effect, type CancelTimerParams, type Delay, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * Email change, confirmed from the new address: a link goes to the new address; only using it
 * (POST from the link page, or confirmActionLink) changes the email; the link and the request
 * expire after `ttl`; a newer request cancels this one. The old address is told once it changed.
 */
export interface EmailChangeInput {
  subjectId: string;
  oldEmail: string;
  newEmail: string;
  locale: string;
  /** How long the link works: milliseconds or a duration ('24h'). */
  ttl: Delay;
}

export type EmailChangeEvent = { type: 'email.confirm' } | { type: 'timer.expired' } | { type: 'email.cancel' };

export interface ChangeEmailParams {
  subjectId: string;
  newEmail: string;
}

export const emailChangeMachine = setup({
  types: {
    context: {} as EmailChangeInput,
    input: {} as EmailChangeInput,
    events: {} as EmailChangeEvent,
  },
  actions: {
    sendEmail: effect<SendEmailParams>(),
    startTimer: effect<StartTimerParams>(),
    cancelTimer: effect<CancelTimerParams>(),
    changeEmail: effect<ChangeEmailParams>(),
  },
}).createMachine({
  id: 'email-change',
  context: ({ input }) => ({ ...input }),
  initial: 'awaitingConfirmation',
  entry: [
    {
      type: 'sendEmail',
      params: ({ context }) => ({
        to: context.newEmail,
        template: 'email-change-confirm',
        locale: context.locale,
        params: { newEmail: context.newEmail },
        link: { purpose: 'email-change', event: 'email.confirm', ttl: context.ttl },
      }),
    },
    { type: 'startTimer', params: ({ context }) => ({ name: 'expiry', delay: context.ttl, event: 'timer.expired' }) },
  ],
  states: {
    awaitingConfirmation: {
      on: {
        'email.confirm': {
          target: 'confirmed',
          actions: [
            { type: 'cancelTimer', params: { name: 'expiry' } },
            { type: 'changeEmail', params: ({ context }) => ({ subjectId: context.subjectId, newEmail: context.newEmail }) },
            { type: 'sendEmail', params: ({ context }) => ({ to: context.oldEmail, template: 'email-changed-notice', locale: context.locale, params: { newEmail: context.newEmail } }) },
          ],
        },
        'timer.expired': { target: 'expired' },
        'email.cancel': { target: 'cancelled', actions: [{ type: 'cancelTimer', params: { name: 'expiry' } }] },
      },
    },
    confirmed: { type: 'final' },
    expired: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
