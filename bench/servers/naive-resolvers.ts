import { Args, Authorized, Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../src/auth/roles';
import { ConsentRecord, Subject, SubjectAge } from '../../src/entities';
import { DomainError, ErrorCode } from '../../src/errors';
import type { ProcessingPurpose } from '../../src/policy';
import type { EntityManager } from 'typeorm';
import type { RequestContext as ServiceContext } from '../../src/schema/context';
import { Me } from '../../src/schema/identity/account.types';
import { ProcessingAllowedResult } from '../../src/schema/opt-out/opt-out.resolver';
import { InvalidProcessingPurposeError, ProcessingAllowedArgs, ProcessingDecisionView } from '../../src/schema/opt-out/opt-out.types';
import { auditOrigin } from '../../src/services/call-context';
import { decideProcessing, type ProcessingDecision } from '../../src/services/processing/processing-decision';

/**
 * The naive peer's resolvers for the DB-backed reads, written the way a team's first draft reads:
 * the root resolver returns a skeleton and each field resolver loads what it needs with a TypeORM
 * repository call (findOne/findOneBy), with no DataLoader and no per-request memo — so a list of N
 * items costs N lookups, and two fields that need the same row each load it. The rules are the
 * service's (the same pure decideProcessing, the same audit entry), so the answers are the same bytes.
 *
 * Loaded only by bench/servers/naive.ts: these classes replace MeConsentResolver and the
 * `processingAllowed` query of OptOutResolver in that process's schema, nowhere else.
 */

/** The service's request context, plus the entity manager a first draft reaches for in resolvers. */
export type RequestContext = ServiceContext & { em: EntityManager };

/** One purpose of the signed-in subject's consent state; its decision fields are loaded per field. */
@ObjectType('NaiveConsentState', { description: 'A person’s current decision for one purpose (naive peer).' })
export class NaiveConsentState {
  @Field() purpose!: string;
  @Field() name!: string;
  @Field() kind!: string;
  subjectId!: string;
}

const latestRecord = (ctx: RequestContext, subjectId: string, purpose: string) =>
  ctx.em.getRepository(ConsentRecord).findOne({ where: { subjectId, purpose }, order: { id: 'DESC' } });

@Resolver(() => Me)
export class NaiveMeConsentResolver {
  @FieldResolver(() => [NaiveConsentState])
  async consents(@Root() me: Me, @Ctx() ctx: RequestContext): Promise<NaiveConsentState[]> {
    // The read is audited, as the service does (the same entry).
    await ctx.services.audit.record({ ...auditOrigin(ctx, ctx.actor?.subjectId === me.id ? 'subject' : 'staff'), action: 'consent.read', subjectId: me.id, categories: ['preference'], fields: ['consents'], operation: 'consents' });
    return ctx.services.consent.purposes().map((p) => Object.assign(new NaiveConsentState(), { purpose: p.key, name: p.name, kind: p.kind, subjectId: me.id }));
  }
}

@Resolver(() => NaiveConsentState)
export class NaiveConsentStateResolver {
  @FieldResolver(() => Boolean)
  async granted(@Root() state: NaiveConsentState, @Ctx() ctx: RequestContext): Promise<boolean> {
    const record = await latestRecord(ctx, state.subjectId, state.purpose);
    const lapsed = !!record?.expiresAt && record.expiresAt.getTime() <= ctx.clock.now().getTime();
    return record?.decision === 'granted' && !lapsed;
  }

  @FieldResolver(() => Boolean)
  async needsDecision(@Root() state: NaiveConsentState, @Ctx() ctx: RequestContext): Promise<boolean> {
    const record = await latestRecord(ctx, state.subjectId, state.purpose);
    const lapsed = !!record?.expiresAt && record.expiresAt.getTime() <= ctx.clock.now().getTime();
    return !record || lapsed || record.policyVersionId !== (await ctx.services.policyVersions.recordCurrent());
  }

  @FieldResolver(() => String, { nullable: true })
  async decision(@Root() state: NaiveConsentState, @Ctx() ctx: RequestContext): Promise<string | undefined> {
    return (await latestRecord(ctx, state.subjectId, state.purpose))?.decision;
  }

  @FieldResolver(() => Date, { nullable: true })
  async decidedAt(@Root() state: NaiveConsentState, @Ctx() ctx: RequestContext): Promise<Date | undefined> {
    return (await latestRecord(ctx, state.subjectId, state.purpose))?.recordedAt;
  }
}

/** What `processingAllowed` returns before its fields are resolved. */
type DecisionRoot = ProcessingDecisionView & { purposeDef: ProcessingPurpose };

@Resolver()
export class NaiveProcessingResolver {
  @Authorized(Role.SERVICE, Role.STAFF, Role.ADMIN)
  @Query(() => ProcessingAllowedResult)
  processingAllowed(@Args() args: ProcessingAllowedArgs, @Ctx() ctx: RequestContext): typeof ProcessingAllowedResult {
    const purposeDef = ctx.services.processing.list().find((p) => p.key === args.purpose);
    if (!purposeDef) return new DomainError(ErrorCode.INVALID_PROCESSING_PURPOSE, `No processing purpose "${args.purpose}" in the policy.`) as InvalidProcessingPurposeError;
    return Object.assign(new ProcessingDecisionView(), { subjectId: args.subjectId, purpose: purposeDef.key, legalBasis: purposeDef.legalBasis, decidedAt: ctx.clock.now(), purposeDef });
  }
}

/** The decision, from the subject, its known age and its latest consent records: each loaded by its own lookup. */
async function decisionOf(root: DecisionRoot, ctx: RequestContext): Promise<ProcessingDecision> {
  const { em } = ctx;
  const subject = await em.getRepository(Subject).findOneBy({ id: root.subjectId });
  const age = subject ? await em.getRepository(SubjectAge).findOneBy({ subjectId: root.subjectId }) : null;
  const latest = new Map<string, ConsentRecord>();
  const keys = [root.purposeDef.consentPurpose, root.purposeDef.saleShare ? 'child.disclosure' : undefined].filter((k): k is string => !!k);
  for (const key of subject ? keys : []) {
    const record = await latestRecord(ctx, root.subjectId, key);
    if (record) latest.set(key, record);
  }
  return decideProcessing(root.purposeDef, { status: subject?.status ?? null, age: age ? ctx.services.subjectAges.fromRow(age) : undefined, latest, now: ctx.clock.now() });
}

@Resolver(() => ProcessingDecisionView)
export class NaiveProcessingDecisionResolver {
  @FieldResolver(() => Boolean)
  async allowed(@Root() root: DecisionRoot, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await decisionOf(root, ctx)).allowed;
  }

  @FieldResolver()
  async reason(@Root() root: DecisionRoot, @Ctx() ctx: RequestContext): Promise<string> {
    return (await decisionOf(root, ctx)).reason;
  }

  @FieldResolver()
  async explanation(@Root() root: DecisionRoot, @Ctx() ctx: RequestContext): Promise<string> {
    return (await decisionOf(root, ctx)).explanation;
  }
}
