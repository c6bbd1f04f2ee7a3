import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

@ObjectType({ simpleResolvers: true, description: 'The caller’s own account now holds the guardian role for these children (every child of the parent address the dashboard link was sent to).' })
export class GuardianAccountLinked {
  @Field(() => [ID]) childIds!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'The caller’s own account is no longer a guardian of these children; its guardian role is gone (the parent address’s dashboard links still work).' })
export class GuardianAccountUnlinked {
  @Field(() => [ID]) childIds!: string[];
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'Only an active account with its own password can be linked (not a parent-dashboard session, not the child’s own account). Nothing is written and the link is not used up.',
})
export class GuardianAccountNotEligibleError extends ErrorResult {}
