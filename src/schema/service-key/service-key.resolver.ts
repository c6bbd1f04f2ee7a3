import { Arg, Authorized, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import { AuditedRead } from '../common/audited-read.middleware';
import { Role } from '../../auth/roles';
import { isDomainError } from '../../errors';
import { NotFoundError, resultUnion } from '../common/error-result';
import type { RequestContext } from '../context';
import {
  CreatedServiceKey,
  CreateServiceKeyInput,
  InvalidServiceKeyExpiryError,
  InvalidServiceKeyNameError,
  ServiceKey,
  ServiceKeyAlreadyRevokedError,
  RevokeServiceKeyInput,
} from './service-key.types';

const CreateServiceKeyResult = resultUnion('CreateServiceKeyResult', CreatedServiceKey, [InvalidServiceKeyNameError, InvalidServiceKeyExpiryError]);
const RevokeServiceKeyResult = resultUnion('RevokeServiceKeyResult', ServiceKey, [NotFoundError, ServiceKeyAlreadyRevokedError]);

@Resolver()
export class ServiceKeyResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => CreateServiceKeyResult, { description: 'Admin: issues an API key to one of the site’s other services (processingAllowed only); answers the key once. Audited.' })
  async createServiceKey(@Arg('input') input: CreateServiceKeyInput, @Ctx() ctx: RequestContext): Promise<typeof CreateServiceKeyResult> {
    const result = await ctx.services.serviceKeys.create(ctx, input);
    return isDomainError(result) ? (result as InvalidServiceKeyNameError) : { key: result.key, serviceKey: ServiceKey.from(result.serviceKey, ctx.clock.now()) };
  }

  @Authorized(Role.ADMIN)
  @UseMiddleware(AuditedRead)
  @Query(() => [ServiceKey], { description: 'Admin: every service key, newest first, by prefix (never the key). Audited.' })
  async serviceKeys(@Ctx() ctx: RequestContext): Promise<ServiceKey[]> {
    const now = ctx.clock.now();
    return (await ctx.services.serviceKeys.list(ctx)).map((row) => ServiceKey.from(row, now));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RevokeServiceKeyResult, { description: 'Admin: ends a service key at once (rotate: create the new key, switch the service, revoke the old). Audited.' })
  async revokeServiceKey(@Arg('input', () => RevokeServiceKeyInput, { description: 'The key to revoke.' }) input: RevokeServiceKeyInput, @Ctx() ctx: RequestContext): Promise<typeof RevokeServiceKeyResult> {
    const result = await ctx.services.serviceKeys.revoke(ctx, input.keyId);
    return isDomainError(result) ? (result as NotFoundError) : ServiceKey.from(result, ctx.clock.now());
  }
}
