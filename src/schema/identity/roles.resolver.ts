import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { AccountRole, Role } from '../../auth/roles';
import type { RequestContext } from '../context';
import { NotFoundError, resultUnion } from '../common/error-result';
import { mapResult } from './account.mappers';
import { RoleAssignment } from './account.types';

const RoleChangeResult = resultUnion('RoleChangeResult', RoleAssignment, [NotFoundError]);

@Resolver()
export class RolesResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => RoleChangeResult, { description: 'Admin: gives a subject a role.' })
  async grantRole(@Arg('subjectId', () => ID) subjectId: string, @Arg('role', () => AccountRole) role: Role, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.setRole(ctx, subjectId, role, true), (roles) => ({ subjectId, roles }) as RoleAssignment);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RoleChangeResult, { description: 'Admin: takes a role away (subject stays).' })
  async revokeRole(@Arg('subjectId', () => ID) subjectId: string, @Arg('role', () => AccountRole) role: Role, @Ctx() ctx: RequestContext) {
    return mapResult(await ctx.services.subjects.setRole(ctx, subjectId, role, false), (roles) => ({ subjectId, roles }) as RoleAssignment);
  }
}
