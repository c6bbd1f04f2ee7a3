import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { GrantRoleInput, RevokeRoleInput } from './account.inputs';
import type { RequestContext } from '../context';
import { NotFoundError, resultUnion } from '../common/error-result';
import { mapResult } from './account.mappers';
import { RoleAssignment } from './account.types';

const RoleChangeResult = resultUnion('RoleChangeResult', RoleAssignment, [NotFoundError]);

@Resolver()
export class RolesResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => RoleChangeResult, { description: 'Admin: gives a person a role. Answers their roles now, or NotFoundError for an unknown subject.' })
  async grantRole(@Arg('input', () => GrantRoleInput, { description: 'The person and the role to give them.' }) { subjectId, role }: GrantRoleInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.setRole(ctx, subjectId, role, true), (roles) => Object.assign(new RoleAssignment(), { subjectId, roles }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RoleChangeResult, { description: 'Admin: takes a role away from a person (the account stays). Answers their roles now, or NotFoundError for an unknown subject.' })
  async revokeRole(@Arg('input', () => RevokeRoleInput, { description: 'The person and the role to take from them.' }) { subjectId, role }: RevokeRoleInput, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.setRole(ctx, subjectId, role, false), (roles) => Object.assign(new RoleAssignment(), { subjectId, roles }));
  }
}
