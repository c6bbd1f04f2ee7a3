import { type ClassType, createUnionType, Field, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError, ErrorCode } from '../../errors';

registerEnumType(ErrorCode, { name: 'ErrorCode', description: 'The code of every error returned as data (ErrorResult).' });

/** What every expected failure has: a stable code for programs and a message for people. */
@InterfaceType('ErrorResult', {
  description: 'An expected failure, returned as data in a result union. Check __typename or errorCode.',
  resolveType: (value: DomainError) => errorTypeName(value.errorCode),
})
export abstract class ErrorResult {
  @Field(() => ErrorCode)
  errorCode!: ErrorCode;

  @Field()
  message!: string;
}

@ObjectType('NotFoundError', { implements: ErrorResult, simpleResolvers: true, description: 'Nothing with that key or id exists.' })
export class NotFoundError extends ErrorResult {}

/** One field of an input and what is wrong with it. */
@ObjectType('InputFieldProblem', { description: 'One field of the input that cannot be accepted, and why.' })
export class InputFieldProblem {
  @Field({ description: 'Where the field is in the arguments, dotted: `input.email`, `input.choices.0.category`.' })
  field!: string;

  @Field({ description: 'A stable name for the kind of problem (`isEmail`, `length`, `isIn`, …), for programs.' })
  problem!: string;

  @Field({ description: 'What is wrong, in a sentence a person can act on.' })
  message!: string;
}

@ObjectType('InvalidInputError', {
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'Some fields of the input are not in a form that can be accepted; every such field is listed at once. Nothing was changed.',
})
export class InvalidInputError extends ErrorResult {
  @Field(() => [InputFieldProblem], { description: 'Every field with a problem, with the problem.' })
  fields!: InputFieldProblem[];
}

/** The GraphQL type of each code: ErrorCode.NOT_FOUND → NotFoundError. */
export function errorTypeName(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')
    .concat('Error');
}

/**
 * A result union: the success type, or one of the listed error types. Members are told apart by
 * `errorCode` (errors) and otherwise are the success type.
 */
export function resultUnion<S extends ClassType>(
  name: string,
  success: S,
  errors: ClassType<ErrorResult>[],
  description?: string,
) {
  return createUnionType({
    name,
    description,
    // Every result can be InvalidInputError: format problems of the input come through the same channel
    // as rule problems (see answerInvalidInputAsResult).
    types: () => [success, ...errors.filter((e) => e !== InvalidInputError), InvalidInputError] as const,
    resolveType: (value) => ('errorCode' in value && typeof value.errorCode === 'string' ? errorTypeName(value.errorCode as ErrorCode) : success),
  });
}
