import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { isDomainError } from '../../errors';
import { resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { Me } from '../identity/account.types';
import {
  InvalidProcessingPurposeError,
  OptOutByEmailInput,
  OptOutByEmailReceipt,
  PrivacyRequestConnection,
  PrivacyRequestsArgs,
  PrivacyRequestView,
  ProcessingAllowedArgs,
  ProcessingDecisionView,
  SaleOptInNotAllowedError,
  SaleShareStateView,
  rightKindOf,
} from './opt-out.types';
import { toConnection } from '../common/connection';

const OptInToSaleResult = resultUnion('OptInToSaleResult', SaleShareStateView, [SaleOptInNotAllowedError]);
export const ProcessingAllowedResult = resultUnion('ProcessingAllowedResult', ProcessingDecisionView, [InvalidProcessingPurposeError]);

const BY_EMAIL_ANSWER = 'Received. If an account uses this address, sale and sharing of its personal information is turned off right away, and a notice is sent to the address.';

@Resolver()
export class OptOutResolver {
  @Authorized()
  @Mutation(() => SaleShareStateView, { description: 'Opts you out of the sale and sharing of your personal information (CCPA). In effect at once; the companies we share data with are told within 15 business days. Repeating it changes nothing.' })
  async optOutOfSale(@Ctx() ctx: RequestContext): Promise<SaleShareStateView> {
    return SaleShareStateView.from(await ctx.services.optOut.optOutSelf(ctx));
  }

  @Mutation(() => OptOutByEmailReceipt, { description: 'Opt-out of sale and sharing without signing in: the account that uses the address is opted out and told by mail. No proof of identity is asked (11 CCR 7060(b)); the answer is the same for any address.' })
  async optOutOfSaleByEmail(@Arg('input') input: OptOutByEmailInput, @Ctx() ctx: RequestContext): Promise<OptOutByEmailReceipt> {
    await ctx.services.optOutByEmail.request(ctx, input.email);
    return { received: true, message: BY_EMAIL_ANSWER };
  }

  @Authorized()
  @Mutation(() => OptInToSaleResult, { description: 'You allow the sale and sharing of your personal information again (your own choice; recorded). Under 13, a parent decides.' })
  async optInToSale(@Ctx() ctx: RequestContext): Promise<typeof OptInToSaleResult> {
    const result = await ctx.services.optOut.optInSelf(ctx);
    return isDomainError(result) ? (result as SaleOptInNotAllowedError) : SaleShareStateView.from(result);
  }

  @Authorized(Role.SERVICE, Role.STAFF, Role.ADMIN)
  @Query(() => ProcessingAllowedResult, { description: 'For the site’s other services (with a service key, or staff): may this subject’s data be processed for this purpose now, and why.' })
  async processingAllowed(@Args() args: ProcessingAllowedArgs, @Ctx() ctx: RequestContext): Promise<typeof ProcessingAllowedResult> {
    const result = await ctx.services.processing.decide(args.subjectId, args.purpose);
    return isDomainError(result) ? (result as InvalidProcessingPurposeError) : ProcessingDecisionView.from(result);
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => PrivacyRequestConnection, { description: 'Staff: privacy requests by due date, soonest first (filter by status, type, overdue).' })
  async privacyRequests(@Args() args: PrivacyRequestsArgs, @Ctx() ctx: RequestContext): Promise<PrivacyRequestConnection> {
    const policy = ctx.services.policy.policy;
    const types = args.type ? policy.rights.filter((r) => rightKindOf(policy, r.key) === args.type).map((r) => r.key) : undefined;
    const page = await ctx.services.privacyRequests.list({ statuses: args.status, types, overdue: args.overdue, first: args.first, after: args.after }, { actorId: ctx.actor?.subjectId, requestId: ctx.requestId, ip: ctx.ip });
    const now = ctx.clock.now();
    return toConnection({ items: page.items.map((r) => ({ cursor: r.id, node: PrivacyRequestView.from(r, now, policy) })), hasNextPage: page.hasNextPage });
  }
}

@Resolver(() => Me)
export class MeSaleShareResolver {
  @UseMiddleware(AuditedRead)
  @FieldResolver(() => SaleShareStateView, { description: 'Sale and sharing of your personal information: opted out or not, and when apps may ask you again.' })
  async saleShare(@Root() me: Me, @Ctx() ctx: RequestContext): Promise<SaleShareStateView> {
    return SaleShareStateView.from(await ctx.services.optOut.subjectState(ctx, me.id));
  }
}
