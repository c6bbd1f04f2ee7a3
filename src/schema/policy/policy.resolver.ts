import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { NotFoundError, resultUnion } from '../common/error-result';
import { DataCategory, PrivacyPolicy } from './policy.types';

const DataCategoryResult = resultUnion('DataCategoryResult', DataCategory, [NotFoundError]);

@Resolver()
export class PolicyResolver {
  @Query(() => PrivacyPolicy, { description: 'The privacy policy in force, as data: public, for rendering notices, banners and forms.' })
  privacyPolicy(@Ctx() ctx: RequestContext): PrivacyPolicy {
    return ctx.services.policy.view() as PrivacyPolicy;
  }

  @Query(() => DataCategoryResult, { description: 'One data category of the policy by key (e.g. "account").' })
  dataCategory(@Arg('key') key: string, @Ctx() ctx: RequestContext): typeof DataCategoryResult {
    return ctx.services.policy.dataCategory(key) as typeof DataCategoryResult;
  }
}
