import { assign, setup } from 'xstate';
import { effect, type CancelTimerParams, type Delay, type SendEmailParams, type StartTimerParams } from '../runtime/actions';

/**
 * Registration, confirmed from the address (issue 11 §10): a link goes to the address; using it
 * before `ttl` (with the password chosen at registration, checked by the link's form) creates the
 * account. Until then there is no account, and when the link expires nothing is left but the
 * workflow's end state: the password hash, the address and the name are forgotten either way.
 * The workflow starts only for an address without an account (the registration job decides that
 * after the request has answered).
 */
export interface RegistrationInput {
  /** The id the account will have (the workflow's subject). */
  subjectId: string;
  email: string;
  passwordHash: string;
  displayName: string;
  locale: string;
  country: string;
  /** How long the link works: milliseconds or a duration ('24h'). */
  ttl: Delay;
}

export type RegistrationEvent = { type: 'registration.confirm' } | { type: 'timer.expired' };

export type CreateAccountParams = Pick<RegistrationInput, 'subjectId' | 'email' | 'passwordHash' | 'displayName' | 'locale' | 'country'>;

export const REGISTRATION_LINK = 'registration';

export const registrationMachine = setup({
  types: {
    context: {} as RegistrationInput,
    input: {} as RegistrationInput,
    events: {} as RegistrationEvent,
  },
  actions: {
    sendEmail: effect<SendEmailParams>(),
    startTimer: effect<StartTimerParams>(),
    cancelTimer: effect<CancelTimerParams>(),
    createAccount: effect<CreateAccountParams>(),
    forget: assign({ email: '', passwordHash: '', displayName: '' }),
  },
}).createMachine({
  id: 'registration',
  context: ({ input }) => ({ ...input }),
  initial: 'awaitingConfirmation',
  entry: [
    {
      type: 'sendEmail',
      params: ({ context }) => ({
        to: context.email,
        template: 'registration-confirm',
        locale: context.locale,
        params: { displayName: context.displayName },
        link: { purpose: REGISTRATION_LINK, event: 'registration.confirm', ttl: context.ttl },
      }),
    },
    { type: 'startTimer', params: ({ context }) => ({ name: 'expiry', delay: context.ttl, event: 'timer.expired' }) },
  ],
  states: {
    awaitingConfirmation: {
      on: {
        'registration.confirm': {
          target: 'confirmed',
          actions: [
            { type: 'cancelTimer', params: { name: 'expiry' } },
            {
              type: 'createAccount',
              params: ({ context }) => ({
                subjectId: context.subjectId,
                email: context.email,
                passwordHash: context.passwordHash,
                displayName: context.displayName,
                locale: context.locale,
                country: context.country,
              }),
            },
            'forget',
          ],
        },
        'timer.expired': { target: 'expired', actions: ['forget'] },
      },
    },
    confirmed: { type: 'final' },
    expired: { type: 'final' },
  },
});
