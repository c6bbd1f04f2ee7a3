import { ApolloServer } from '@apollo/server';
import { testDialect } from '../helpers/database';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

describe('the HTTP service', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${env.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('serves the policy’s eight data categories with their retention', async () => {
    const res = await env.gql('{ privacyPolicy { dataCategories { key retention { description period { amount unit text } } } } }');
    expect(res.status).toBe(200);
    const categories = res.data.privacyPolicy.dataCategories;
    expect(categories).toHaveLength(8);
    expect(categories.find((c: any) => c.key === 'transaction').retention).toEqual({
      description: 'Retained for 7 years to comply with financial regulations and tax requirements',
      period: { amount: 7, unit: 'YEAR', text: '7 years' },
    });
  });

  it('answers one category, or a typed NotFoundError', async () => {
    const q = 'query($key: String!) { dataCategory(key: $key) { __typename ... on DataCategory { name legalBases } ... on ErrorResult { errorCode message } } }';
    expect((await env.gql(q, { key: 'account' })).data.dataCategory).toEqual({ __typename: 'DataCategory', name: 'Account data', legalBases: ['CONTRACT'] });
    expect((await env.gql(q, { key: 'shoe_size' })).data.dataCategory).toMatchObject({ __typename: 'NotFoundError', errorCode: 'NOT_FOUND' });
  });

  it('answers a repeated policy query with the same bytes (the constant-result cache), per variables', async () => {
    const body = JSON.stringify({ query: '{ privacyPolicy { id rights { key responseDeadline { text } } } }' });
    const first = await (await post(body)).text();
    const again = await (await post(body)).text();
    expect(again).toBe(first);
    expect(JSON.parse(first).data.privacyPolicy.rights.length).toBeGreaterThan(0);
    const q = 'query($key: String!) { dataCategory(key: $key) { ... on DataCategory { key } } }';
    for (const key of ['account', 'usage', 'account']) expect((await env.gql(q, { key })).data.dataCategory).toEqual({ key });
  });

  it('answers a constant document again before Apollo, with the same status, headers and bytes as Apollo gave', async () => {
    const apollo = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
    try {
      const body = JSON.stringify({ query: '{ privacyPolicy { id site { name } } __typename }' });
      const ask = async (requestId: string, headers: Record<string, string> = {}) => {
        const res = await post(body, { 'x-request-id': requestId, ...headers });
        const head = Object.fromEntries(res.headers);
        expect(head['x-request-id']).toBe(requestId);
        delete head['x-request-id'];
        delete head.date;
        return { status: res.status, head, text: await res.text() };
      };
      await ask('constant-1'); // executed: the plugin keeps the data
      const byApollo = await ask('constant-2'); // answered from the plugin's cache: the handler keeps Apollo's answer
      expect(apollo).toHaveBeenCalledTimes(2);
      const fast = await ask('constant-3');
      expect(apollo).toHaveBeenCalledTimes(2);
      expect(fast).toEqual(byApollo);
      expect(fast.status).toBe(200);
      expect(JSON.parse(fast.text).data.__typename).toBe('Query');
      // Another Accept header is another answer (Apollo negotiates the content type); a caller with
      // credentials or a Global Privacy Control signal always goes through Apollo (its context has effects).
      const graphqlJson = { accept: 'application/graphql-response+json' };
      for (let i = 0; i < 3; i++) await ask(`constant-accept-${i}`, graphqlJson);
      expect(apollo).toHaveBeenCalledTimes(3); // once: the data was known already
      expect((await ask('constant-accept-3', graphqlJson)).head['content-type']).toMatch(/^application\/graphql-response\+json/);
      for (const headers of [{ authorization: 'Bearer nonsense' }, { 'sec-gpc': '0' }] as Record<string, string>[]) await ask('constant-auth', headers);
      expect(apollo).toHaveBeenCalledTimes(5);
    } finally {
      apollo.mockRestore();
    }
  });

  it('is alive and ready', async () => {
    expect(await (await fetch(`${env.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${env.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while the database does not answer within a second', async () => {
    const query = jest.spyOn(env.app.dataSource, 'query').mockImplementation(() => new Promise(() => undefined));
    try {
      const started = Date.now();
      const ready = await fetch(`${env.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/within 1000 ms/) });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      query.mockRestore();
    }
    expect((await fetch(`${env.url}/readyz`)).status).toBe(200);
  });

  (testDialect === 'mysql' ? it : it.skip)('is not ready while no pooled connection can be had (MySQL)', async () => {
    // Every connection of the pool held (as by transactions stuck on a frozen link): no request could be served.
    const runners = [];
    const poolSize = (env.app.dataSource.options as { poolSize?: number }).poolSize ?? 10;
    for (let i = 0; i < poolSize; i++) {
      const runner = env.app.dataSource.createQueryRunner();
      await runner.connect();
      runners.push(runner);
    }
    try {
      const ready = await fetch(`${env.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      for (const runner of runners) await runner.release();
    }
    expect((await fetch(`${env.url}/readyz`)).status).toBe(200);
  });

  it('records the policy version it serves, once', async () => {
    const rows = await env.app.dataSource.query('SELECT policyId, version, contentHash FROM policy_version');
    expect(rows).toEqual([{ policyId: 'm_exe', version: '2025-06-01', contentHash: env.app.services.policy.contentHash }]);
    await env.app.services.policyVersions.recordCurrent();
    expect(await env.app.dataSource.query('SELECT id FROM policy_version')).toHaveLength(1);
  });

  it('puts a request id on every response and in every error', async () => {
    const res = await env.gql('{ nope }');
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', requestId });
    const own = await env.gql('{ privacyPolicy { id } }', undefined, { headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(own.headers.get('x-request-id')).toBe('trace-1234abcd');
    const hostile = await env.gql('{ privacyPolicy { id } }', undefined, { headers: { 'x-request-id': '<script>' } });
    expect(hostile.headers.get('x-request-id')).not.toBe('<script>');
  });

  it('answers a malformed body with one clear error', async () => {
    const res = await post('{"query": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ message: 'Malformed JSON in the request body.', extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } }] });
  });

  it('refuses a body over the size limit', async () => {
    const res = await post(JSON.stringify({ query: `{ privacyPolicy { id } } # ${'x'.repeat(200_000)}` }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('has CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const res = await fetch(`${env.url}/graphql?query=${encodeURIComponent('{ privacyPolicy { id } }')}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${env.url}/graphql?query=${encodeURIComponent('{ privacyPolicy { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
  });

  it('refuses a batched request (a JSON array body) with 400, a clear message and the request id', async () => {
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ privacyPolicy { id } }' }, { query: '{ privacyPolicy { id } }' }]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toMatch(/one operation per request/);
    expect(body.errors[0].extensions).toEqual({ code: 'BATCHING_NOT_SUPPORTED', requestId: expect.any(String) });
  });

  it('answers application/graphql-response+json when asked for it, and application/json otherwise', async () => {
    const ask = (accept?: string) =>
      fetch(`${env.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) }, body: JSON.stringify({ query: '{ privacyPolicy { id } me { id } }' }) });
    expect((await ask('application/graphql-response+json')).headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect((await ask()).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('takes queries by GET with apollo-require-preflight, never mutations', async () => {
    const get = (query: string) => fetch(`${env.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const query = await get('{ privacyPolicy { id } }');
    expect(query.status).toBe(200);
    const mutation = await get('mutation { signOut }');
    expect(mutation.status).toBe(405);
    expect(((await mutation.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/GET/);
  });

  it('answers unknown paths with 404 in the same error shape', async () => {
    const res = await fetch(`${env.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });

  it('allows introspection outside production', async () => {
    expect((await env.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('query limits', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COST: '200', GRAPHQL_MAX_ALIASES: '100' } });
  });
  afterAll(() => env?.stop());

  it('refuses an over-deep query with a clear error and runs none of it', async () => {
    expect((await env.gql('{ privacyPolicy { contact { support } } }')).errors).toBeUndefined();
    const res = await env.gql('{ privacyPolicy { dataCategories { retention { period { text } } } } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/exceeds maximum operation depth of 3/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(res.data).toBeUndefined();
  });

  it('refuses an over-costly query with a clear error and runs none of it', async () => {
    const small = await env.gql('{ privacyPolicy { id version } }');
    expect(small.errors).toBeUndefined();
    const aliases = Array.from({ length: 100 }, (_, i) => `p${i}: privacyPolicy { id version }`).join(' ');
    // Twice: the second answer comes from the cost remembered for the cached document, and must be the same.
    for (let i = 0; i < 2; i++) {
      const res = await env.gql(`{ ${aliases} }`);
      expect(res.status).toBe(400);
      expect(res.errors?.[0]).toMatchObject({
        message: 'Query is too complex: its cost is 300, the maximum is 200. Ask for fewer fields or smaller pages.',
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 300, maxCost: 200 },
      });
      expect(res.data).toBeUndefined();
    }
  });
});

describe('in production', () => {
  let env: TestEnv;
  beforeAll(async () => {
    // Production refuses mail files and cheap password hashes unless told (test/unit/config.test.ts).
    env = await createTestEnv({ env: { NODE_ENV: 'production', ALLOW_FILE_MAIL: 'true', PASSWORD_HASH_COST: '15' } });
  });
  afterAll(() => env?.stop());

  it('turns introspection off', async () => {
    const res = await env.gql('{ __schema { queryType { name } } }');
    expect(res.errors?.[0].message).toMatch(/introspection is not allowed/i);
  });

  it('still serves the policy', async () => {
    expect((await env.gql('{ privacyPolicy { id } }')).data).toEqual({ privacyPolicy: { id: 'm_exe' } });
  });
});
