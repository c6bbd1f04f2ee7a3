import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import { isDomainError } from '../../errors';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import { Me } from '../identity/account.types';
import { SetSubjectExternalIdInput } from './external-id.input';
import { ExternalIdTakenError, InvalidExternalIdError, SubjectExternalId } from './external-id.types';

const SetSubjectExternalIdResult = resultUnion('SetSubjectExternalIdResult', SubjectExternalId, [NotFoundError, ExternalIdTakenError, InvalidExternalIdError]);
const SubjectExternalIdResult = resultUnion('SubjectExternalIdResult', SubjectExternalId, [NotFoundError]);

@Resolver()
export class ExternalIdResolver {
  @Authorized(Role.SERVICE)
  @Mutation(() => SetSubjectExternalIdResult, {
    description: 'Service keys only (the one change a key may make): links a subject to the site’s own user id, unique across subjects (federation resolves the site’s User through it); null unlinks. Audited.',
  })
  async setSubjectExternalId(@Arg('input') input: SetSubjectExternalIdInput, @Ctx() ctx: RequestContext): Promise<typeof SetSubjectExternalIdResult> {
    return (await ctx.services.externalIds.set(ctx, input.subjectId, input.externalId ?? null)) as typeof SetSubjectExternalIdResult;
  }

  @Authorized(Role.SERVICE)
  @Query(() => SubjectExternalIdResult, { description: 'Service keys: the site’s user id a subject carries. Audited.' })
  async subjectExternalId(@Arg('subjectId', () => ID) subjectId: string, @Ctx() ctx: RequestContext): Promise<typeof SubjectExternalIdResult> {
    return (await ctx.services.externalIds.get(ctx, subjectId)) as typeof SubjectExternalIdResult;
  }
}

@Resolver(() => Me)
export class MeExternalIdResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The site’s own user id linked to your account (set by the site’s services), or null.' })
  async externalId(@Root() me: Me, @Ctx() ctx: RequestContext): Promise<string | null> {
    const result = await ctx.services.externalIds.get(ctx, me.id);
    return isDomainError(result) ? null : result.externalId;
  }
}
