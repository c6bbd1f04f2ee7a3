import type { Config } from '../../config';
import { RequestError } from '../../errors';
import { normalizeEmail } from '../../util/email';
import type { AddressJobService } from '../address-job/address-job.service';
import type { CallContext } from '../call-context';
import { ipGroup } from '../../util/ip-group';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import type { OptOutService } from './opt-out.service';

export const SALE_OPT_OUT_JOB = 'sale-opt-out';

/**
 * optOutOfSaleByEmail's request (11 CCR 7060(b): no sign-in, no proof of identity). It answers the
 * same for every address, in the same time: one address job, nothing else (issue 11 §10); the
 * lookup and the opt-out are the job's (OptOutService.optOutByEmailIn). Each request writes that
 * row, so requests are limited per client (RATE_LIMIT_REGISTER_IP, like the other requests by
 * address without a session); a known address is opted out and told once, however often it is asked.
 */
export class OptOutByEmailService {
  constructor(
    private readonly config: Config,
    private readonly rateLimits: RateLimitService,
    private readonly jobs: AddressJobService,
    optOut: OptOutService,
  ) {
    jobs.register(SALE_OPT_OUT_JOB, (em, job) => optOut.optOutByEmailIn(em, job.ctx, job.address));
  }

  async request(ctx: CallContext, email: string): Promise<void> {
    const address = normalizeEmail(email);
    const limited = await this.rateLimits.consume([{ key: RateLimitService.key('sale-opt-out:ip', ipGroup(ctx.ip)), rule: this.config.RATE_LIMIT_REGISTER_IP }]);
    if (limited) throw new RequestError('RATE_LIMITED', limited.message, { retryAfterSeconds: (limited as unknown as { retryAfterSeconds: number }).retryAfterSeconds });
    await this.jobs.enqueue(SALE_OPT_OUT_JOB, address, {}, ctx);
  }
}
