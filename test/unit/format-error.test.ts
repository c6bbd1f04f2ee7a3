import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { formatError, isClientError, withoutSuggestions } from '../../src/http/graphql-server';
import { RequestError } from '../../src/errors';

const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['x'] });

describe('error masking', () => {
  it('masks an unexpected error to "Internal error" without its message or stack', () => {
    const error = wrap(new Error('connect ECONNREFUSED 10.0.0.5:3306 as root'));
    const formatted = formatError({ message: error.message, path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({ message: 'Internal error', path: ['x'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(isClientError(error)).toBe(false);
  });

  it('shows a RequestError with its code and extra fields', () => {
    const error = wrap(new RequestError('RATE_LIMITED', 'Too many attempts.', { retryAfterSeconds: 30 }));
    expect(formatError({ message: 'x' }, error)).toMatchObject({ message: 'Too many attempts.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 30 } });
  });

  it('shows validation errors without echoing the input (which may hold a password)', () => {
    const validation = new ArgumentValidationError([
      { property: 'password', value: 'hunter2', target: { password: 'hunter2' }, constraints: { minLength: 'password must be longer' }, children: [] } as any,
    ]);
    const formatted = formatError({ message: validation.message, extensions: validation.extensions }, validation);
    expect(JSON.stringify(formatted)).not.toContain('hunter2');
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT', validationErrors: [{ property: 'password', constraints: { minLength: 'password must be longer' } }] });
  });

  it('turns type-graphql’s UNAUTHORIZED into FORBIDDEN', () => {
    const error = new GraphQLError('Access denied!', { extensions: { code: 'UNAUTHORIZED' } });
    expect(formatError({ message: error.message, extensions: error.extensions }, error)).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});

describe('suggestions in production', () => {
  it('takes "Did you mean …?" out of validation and variable coercion messages, and keeps the rest', () => {
    const cases: [string, string][] = [
      ['Cannot query field "idd" on type "PrivacyPolicy". Did you mean "id"?', 'Cannot query field "idd" on type "PrivacyPolicy".'],
      ['Variable "$s" got invalid value "OPNE" at "s[0]"; Value "OPNE" does not exist in "PrivacyRequestStatus" enum. Did you mean the enum value "OPEN"?', 'Variable "$s" got invalid value "OPNE" at "s[0]"; Value "OPNE" does not exist in "PrivacyRequestStatus" enum.'],
      ['Field "bioo" is not defined by type "UpdateProfileInput". Did you mean "bio", "displayName", or "locale"?', 'Field "bioo" is not defined by type "UpdateProfileInput".'],
    ];
    for (const [message, shown] of cases) expect(withoutSuggestions({ message, extensions: { code: 'BAD_USER_INPUT' } })).toEqual({ message: shown, extensions: { code: 'BAD_USER_INPUT' } });
    const plain = { message: 'Sign in first.' };
    expect(withoutSuggestions(plain)).toBe(plain);
  });
});
