import { IsOptional, Matches } from 'class-validator';
import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Query, Resolver, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { staffRole } from '../../services/call-context';
import type { RequestContext } from '../context';
import { PageArgs } from '../identity/account.resolver';
import { toAuditConnection } from './audit.mappers';
import { type AuditChainBreak, AuditChainReport, AuditEventConnection } from './audit.types';

@InputType()
export class AuditTrailFilter {
  @Field(() => [String], { nullable: true, description: 'Only these actions (e.g. account.read).' })
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { each: true, message: 'actions are dotted lower-case names' })
  actions?: string[];
  @Field({ nullable: true, description: 'From this time (inclusive).' }) @IsOptional() from?: Date;
  @Field({ nullable: true, description: 'Until this time (exclusive).' }) @IsOptional() to?: Date;
}

@Resolver()
export class AuditResolver {
  @Authorized(Role.STAFF, Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => AuditEventConnection, { description: 'Staff: the audit trail of one subject, newest first (the read is itself audited).' })
  async auditTrail(
    @Arg('subjectId', () => ID) subjectId: string,
    @Arg('filter', () => AuditTrailFilter, { nullable: true }) filter: AuditTrailFilter | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditEventConnection> {
    return toAuditConnection(await ctx.services.audit.readTrail(ctx, { subjectId, ...filter, first: page.first, after: page.after }, staffRole(ctx.actor)));
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Query(() => AuditChainReport, { description: 'Staff: re-computes the whole audit hash chain; names the first row that does not verify.' })
  async verifyAuditChain(@Ctx() ctx: RequestContext): Promise<AuditChainReport> {
    const report = await ctx.services.audit.verifyChain();
    // The enum's values are the service's reason codes.
    return { ...report, reason: report.reason as AuditChainBreak | null };
  }
}
