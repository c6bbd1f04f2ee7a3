import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql, setLogVerbosity } from '@apollo/client';
import { register } from '../helpers/identity';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Apollo Client 4 (no React: its root entry is the core) against the running service over HTTP.
 * Error types reach the app through the normalized cache (InMemoryCache), which matches
 * `... on ErrorResult` only when it knows which types implement it: the shipped possible-types.json.
 */
const possibleTypes = JSON.parse(readFileSync(join(__dirname, '..', '..', 'possible-types.json'), 'utf8')) as Record<string, string[]>;

const SIGN_IN = gql`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      __typename
      ... on AuthPayload { token }
      ... on ErrorResult { errorCode message }
      ... on RateLimitedError { retryAfterSeconds }
    }
  }
`;

const ACTION_LINK = gql`
  query ActionLink($token: String!) {
    actionLink(token: $token) {
      __typename
      ... on ActionLink { title }
      ... on ErrorResult { errorCode message }
    }
  }
`;

describe('Apollo Client 4 with the shipped possibleTypes', () => {
  let env: TestEnv;

  beforeAll(async () => {
    // One wrong password per account per window: the second attempt is a RateLimitedError.
    env = await createTestEnv({ env: { RATE_LIMIT_SIGN_IN_ACCOUNT: '1/15m' } });
  });
  afterAll(() => env?.stop());

  const clientWith = (options: { possibleTypes?: Record<string, string[]> }) =>
    new ApolloClient({ link: new HttpLink({ uri: `${env.url}/graphql` }), cache: new InMemoryCache(options) });

  it('reads the error fields of a mutation’s union result: InvalidCredentialsError, then RateLimitedError', async () => {
    const user = await register(env);
    const client = clientWith({ possibleTypes });
    const variables = { input: { email: user.email, password: 'not the password at all' } };

    const wrong = await client.mutate({ mutation: SIGN_IN, variables });
    expect(wrong.error).toBeUndefined();
    expect(wrong.data).toEqual({ signIn: { __typename: 'InvalidCredentialsError', errorCode: 'INVALID_CREDENTIALS', message: expect.stringMatching(/email or password/) } });

    const limited = await client.mutate({ mutation: SIGN_IN, variables });
    expect(limited.data).toEqual({ signIn: { __typename: 'RateLimitedError', errorCode: 'RATE_LIMITED', message: expect.any(String), retryAfterSeconds: expect.any(Number) } });
    expect((limited.data as { signIn: { retryAfterSeconds: number } }).signIn.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('keeps a query’s error result in the normalized cache: a cache-only read answers it with its fields', async () => {
    const client = clientWith({ possibleTypes });
    const variables = { token: 'x'.repeat(43) };
    const expected = { actionLink: { __typename: 'ActionTokenInvalidError', errorCode: 'ACTION_TOKEN_INVALID', message: expect.stringMatching(/not valid/) } };

    expect((await client.query({ query: ACTION_LINK, variables })).data).toEqual(expected);
    expect((await client.query({ query: ACTION_LINK, variables, fetchPolicy: 'cache-only' })).data).toEqual(expected);
    expect(client.readQuery({ query: ACTION_LINK, variables })).toEqual(expected);
  });

  it('loses those fields without the map (why the file is shipped)', async () => {
    setLogVerbosity('silent');
    try {
      const user = await register(env);
      const client = clientWith({});
      const wrong = await client.mutate({ mutation: SIGN_IN, variables: { input: { email: user.email, password: 'not the password at all' } } });
      expect(wrong.data).toEqual({ signIn: { __typename: 'InvalidCredentialsError' } });
      const link = await client.query({ query: ACTION_LINK, variables: { token: 'y'.repeat(43) } });
      expect(link.data).toEqual({ actionLink: { __typename: 'ActionTokenInvalidError' } });
    } finally {
      setLogVerbosity('log');
    }
  });
});
