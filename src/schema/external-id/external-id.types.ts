import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorResult } from '../common/error-result';

@ObjectType({ simpleResolvers: true, description: 'A subject and the site’s own user id it carries (null: not linked).' })
export class SubjectExternalId {
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { nullable: true, description: 'The site’s user id (federation: the id of the site’s User).' }) externalId!: string | null;
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'The externalId is not 1–128 characters of letters, digits and . _ : @ | / + = - starting with a letter or digit.' })
export class InvalidExternalIdError extends ErrorResult {}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Another subject already carries this externalId.' })
export class ExternalIdTakenError extends ErrorResult {}
