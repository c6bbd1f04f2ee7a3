import { getNullableType, isInputObjectType, isUnionType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, ErrorCode } from '../../errors';
import type { InputFieldProblem } from './error-result';

interface ValidationIssue {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}

/** class-validator's nested errors, flattened into one problem per failed constraint (never the value). */
export function inputProblems(errors: readonly ValidationIssue[], prefix: string): InputFieldProblem[] {
  const out: InputFieldProblem[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [problem, message] of Object.entries(error.constraints ?? {})) out.push({ field: path, problem, message });
    if (error.children?.length) out.push(...inputProblems(error.children, path));
  }
  return out;
}

function answersInvalidInput(type: GraphQLOutputType): boolean {
  const result = getNullableType(type);
  return isUnionType(result) && result.getTypes().some((t) => t.name === 'InvalidInputError');
}

/**
 * Turns class-validator's thrown "Argument Validation Error" into an InvalidInputError result for
 * every root field whose result union lists it, so a form gets its format problems and its rule
 * problems through one channel. It wraps the built resolvers of those fields only (no cost anywhere
 * else), outside type-graphql's own middlewares: an unauthorized caller still gets FORBIDDEN.
 */
export function answerInvalidInputAsResult(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (!field.resolve || !answersInvalidInput(field.type)) continue;
      const resolve = field.resolve;
      field.resolve = async (source, args, context, info) => {
        try {
          return await resolve(source, args, context, info);
        } catch (error) {
          if (!(error instanceof ArgumentValidationError)) throw error;
          const issues = (error.extensions.validationErrors ?? []) as ValidationIssue[];
          return invalidInput(issues, argumentOf(issues, field.args.map((a) => ({ name: a.name, isInput: isInputObjectType(getNullableType(a.type)) }))));
        }
      };
    }
  }
  return schema;
}

/**
 * The argument the problems are in: an input object's fields are named under it (`input.email`); the
 * arguments of an `@Args()` class are validated as one object whose properties are the arguments
 * themselves (`subjectId`), so they get no prefix.
 */
export function argumentOf(issues: readonly ValidationIssue[], args: readonly { name: string; isInput: boolean }[]): string {
  const names = new Set(args.map((a) => a.name));
  if (issues.length && issues.every((issue) => names.has(issue.property))) return '';
  return args.find((a) => a.isInput)?.name ?? args[0]?.name ?? 'input';
}

export function invalidInput(issues: readonly ValidationIssue[], argument: string): DomainError {
  const fields = inputProblems(issues, argument);
  const message = fields.length === 1 ? fields[0].message : `${fields.length} fields cannot be accepted: ${fields.map((f) => f.field).join(', ')}.`;
  return new DomainError(ErrorCode.INVALID_INPUT, message, { fields });
}
