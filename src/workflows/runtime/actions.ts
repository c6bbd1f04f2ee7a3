/**
 * The effects a machine may name, with their parameters. Machines declare them in
 * `setup({ actions: { sendEmail: effect<SendEmailParams>(), … } })`: the function does nothing (XState's
 * pure `transition()` only returns it); the runtime turns each returned action into rows in the
 * delivery's transaction.
 */

/** A duration as in the config ('15m', '24h', '7d') or milliseconds. */
export type Delay = string | number;

export interface SendEmailParams {
  to: string;
  template: string;
  /** Recipient's language ('en', 'de'; others fall back to English). */
  locale?: string;
  params?: Record<string, unknown>;
  /** Adds a single-use action link (params.link) that delivers `event` to this workflow when used. */
  link?: { purpose: string; event: string; ttl: Delay };
  /** Times the mail names, as delays from the moment of sending (the machine has no clock): params.<name> = that ISO time. */
  dates?: Record<string, Delay>;
}

export interface StartTimerParams {
  /** Name for cancelTimer; one workflow may have several timers. */
  name: string;
  /** From now; or give `at` instead. */
  delay?: Delay;
  /** An absolute time (ISO 8601), e.g. a birthday computed when the workflow started; a past time fires at once. */
  at?: string;
  /** Event type delivered when it fires. */
  event: string;
  /**
   * Event type delivered (in a transaction of its own, with `error`: the message) when delivering
   * `event` throws: the failed delivery rolled back, and the machine decides what a failure means
   * instead of the timer being retried. Without it the timer is retried a few times, then marked failed.
   */
  onError?: string;
}

export interface CancelTimerParams {
  name: string;
}

export interface RevokeLinksParams {
  /** Only links of this purpose (default: all of the workflow). */
  purpose?: string;
}

/** A parameterised action with no code: the runtime performs it. */
export function effect<P extends object>() {
  return (_args: unknown, _params: P): void => undefined;
}

export const BUILT_IN_ACTIONS = ['sendEmail', 'startTimer', 'cancelTimer', 'revokeLinks'] as const;
