import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { Recipient as RecipientRow } from '../../entities';
import { isDomainError } from '../../errors';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import {
  DuplicateRecipientError,
  HoldAlreadyReleasedError,
  InvalidHoldReasonError,
  InvalidRecipientEventsError,
  InvalidWebhookUrlError,
  LegalHold,
  PlaceLegalHoldInput,
  Recipient,
  RegisteredRecipient,
  RegisterRecipientInput,
  ReleaseLegalHoldInput,
  SetRecipientActiveInput,
  type RecipientEventEnum,
} from './legal-hold.types';

const PlaceLegalHoldResult = resultUnion('PlaceLegalHoldResult', LegalHold, [InvalidHoldReasonError, NotFoundError]);
const ReleaseLegalHoldResult = resultUnion('ReleaseLegalHoldResult', LegalHold, [NotFoundError, HoldAlreadyReleasedError]);
const RegisterRecipientResult = resultUnion('RegisterRecipientResult', RegisteredRecipient, [InvalidWebhookUrlError, InvalidRecipientEventsError, DuplicateRecipientError]);
const SetRecipientActiveResult = resultUnion('SetRecipientActiveResult', Recipient, [NotFoundError]);

const toRecipient = (r: RecipientRow): Recipient => ({ ...r, events: JSON.parse(r.events) as RecipientEventEnum[] });

@Resolver()
export class LegalHoldResolver {
  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => PlaceLegalHoldResult, { description: 'Staff: keeps a subject’s data from erasure and purges for a reason the policy names.' })
  async placeLegalHold(@Arg('input') input: PlaceLegalHoldInput, @Ctx() ctx: RequestContext): Promise<typeof PlaceLegalHoldResult> {
    return (await ctx.services.legalHolds.place(ctx, input)) as typeof PlaceLegalHoldResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Mutation(() => ReleaseLegalHoldResult, { description: 'Staff: ends a hold when its reason ends.' })
  async releaseLegalHold(@Arg('input', () => ReleaseLegalHoldInput, { description: 'The hold to release.' }) input: ReleaseLegalHoldInput, @Ctx() ctx: RequestContext): Promise<typeof ReleaseLegalHoldResult> {
    return (await ctx.services.legalHolds.release(ctx, input.holdId)) as typeof ReleaseLegalHoldResult;
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Query(() => [LegalHold], { description: 'Staff: the holds on a subject, active ones only unless asked.' })
  legalHolds(@Arg('subjectId', () => ID) subjectId: string, @Arg('includeReleased', { defaultValue: false }) includeReleased: boolean, @Ctx() ctx: RequestContext) {
    return includeReleased ? ctx.services.legalHolds.all(subjectId) : ctx.services.legalHolds.active(subjectId);
  }
}

@Resolver()
export class RecipientResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => RegisterRecipientResult, { description: 'Admin: registers a downstream recipient; answers its signing secret once.' })
  async registerRecipient(@Arg('input') input: RegisterRecipientInput, @Ctx() ctx: RequestContext): Promise<typeof RegisterRecipientResult> {
    const result = await ctx.services.recipients.register(input);
    return isDomainError(result) ? (result as InvalidWebhookUrlError) : { recipient: toRecipient(result.recipient), secret: result.secret };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetRecipientActiveResult, { description: 'Admin: pauses or resumes webhooks to a recipient.' })
  async setRecipientActive(@Arg('input', () => SetRecipientActiveInput, { description: 'The recipient, and whether it gets notices.' }) input: SetRecipientActiveInput, @Ctx() ctx: RequestContext): Promise<typeof SetRecipientActiveResult> {
    const result = await ctx.services.recipients.setActive(input.recipientId, input.active);
    return isDomainError(result) ? (result as NotFoundError) : toRecipient(result);
  }

  @Authorized(Role.STAFF, Role.ADMIN)
  @Query(() => [Recipient], { description: 'Staff: every downstream recipient (who gets personal data, GDPR Art 19).' })
  async recipients(@Ctx() ctx: RequestContext): Promise<Recipient[]> {
    return (await ctx.services.recipients.list()).map(toRecipient);
  }
}
