/**
 * A DomainError is answered as the object type its code names. When the codes lost their `_ERROR`
 * suffix the type names kept theirs (RATE_LIMITED ↔ RateLimitedError): every error returned as data
 * must resolve to a type the schema has, or the answer is an internal error.
 */
import 'reflect-metadata';
import { isInterfaceType, isObjectType } from 'graphql';
import { ErrorCode } from '../../src/errors';
import { errorTypeName } from '../../src/schema/common/error-result';
import { buildGraphQLSchema } from '../../src/schema/build-schema';

describe('errorTypeName', () => {
  it('names the error type of a code: RATE_LIMITED → RateLimitedError', () => {
    expect(errorTypeName(ErrorCode.RATE_LIMITED)).toBe('RateLimitedError');
    expect(errorTypeName(ErrorCode.NOT_FOUND)).toBe('NotFoundError');
  });

  it('names, for every error type of the schema, that very type (so every union resolves)', async () => {
    const schema = await buildGraphQLSchema();
    const errorResult = schema.getType('ErrorResult');
    if (!isInterfaceType(errorResult)) throw new Error('ErrorResult interface missing');
    const typeNames = schema.getPossibleTypes(errorResult).map((t) => t.name);
    const codes = new Set(Object.values(ErrorCode).map((code) => errorTypeName(code)));
    expect(typeNames.filter((name) => !codes.has(name))).toEqual([]);
    for (const name of typeNames) expect(isObjectType(schema.getType(name))).toBe(true);
  });
});
