import { RequestError } from '../../errors';
import type { RequestContext } from '../context';

/** The per-client limit on guessed link tokens, for every operation that takes a link's token (its pages have the same). */
export function checkThrottle(ctx: RequestContext): void {
  const wait = ctx.services.links.throttled(ctx.ip);
  if (wait) throw new RequestError('RATE_LIMITED', `Too many unknown links tried: wait ${wait} s.`, { retryAfterSeconds: wait });
}
