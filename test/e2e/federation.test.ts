import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { AuditEvent } from '../../src/entities';
import { register, type SignedIn } from '../helpers/identity';
import { createAdmin, createServiceKey } from '../helpers/staff';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

/**
 * Consentry's subgraph (/subgraph of the running service, over HTTP) composed in-process with a small
 * "accounts" subgraph of the site (its own HTTP server on 127.0.0.1) by @apollo/composition, and
 * queried through @apollo/gateway, which forwards the caller's Authorization header as a router would.
 */
const ACCOUNTS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type User @key(fields: "id") { id: ID! name: String! }
  type Query { user(id: ID!): User users: [User!]! }
`;
const USERS = [
  { id: 'site-1', name: 'Ada' },
  { id: 'site-2', name: 'Grace' },
  { id: 'site-3', name: 'Linus' },
];

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const PRIVACY = `
  privacy {
    subject { id externalId }
    accountStatus
    consents { purpose granted needsDecision decision }
    saleShare { optedOut decision optInRequired }
    age { bracket jurisdiction parentalConsentRequired saleOptInRequired }
    openRequests { id type status dueAt overdue }
    email: processingAllowed(purpose: "marketing.email") { __typename ... on PrivacyProcessingDecision { allowed reason legalBasis } }
    sale: processingAllowed(purpose: "sale_share") { __typename ... on PrivacyProcessingDecision { allowed reason } }
    bad: processingAllowed(purpose: "no_such_purpose") { __typename ... on PrivacyErrorResult { errorCode message } }
  }`;

describe('federation: Consentry as a subgraph of a site’s supergraph', () => {
  let env: TestEnv;
  let key: string;
  let ada: SignedIn;
  let grace: SignedIn;
  let accounts: { url: string; stop(): Promise<void> };
  let router: ApolloServer<{ authorization?: string }>;
  let supergraphSdl: string;
  let consentrySdl: string;

  beforeAll(async () => {
    env = await createTestEnv();
    const admin = await createAdmin(env);
    key = await createServiceKey(env, admin, 'site-router');
    ada = await register(env, { country: 'US' });
    grace = await register(env, { country: 'US' });
    const link = (subjectId: string, externalId: string) =>
      env.gql('mutation($i: SetSubjectExternalIdInput!) { setSubjectExternalId(input: $i) { __typename } }', { i: { subjectId, externalId } }, { token: key });
    await link(ada.subjectId, 'site-1');
    await link(grace.subjectId, 'site-2');
    // Ada opts out of sale/sharing and has an open access request; Grace is 14 in California.
    await env.gql('mutation { optOutOfSale { optedOut } }', {}, { token: ada.token });
    await env.app.db.transaction((em) => env.app.services.privacyRequests.open(em, { type: 'access', subjectId: ada.subjectId, manner: 'api' }));
    const now = env.clock.now();
    await env.app.db.transaction((em) =>
      env.app.services.subjectAges.record(em, grace.subjectId, { birthDate: { year: now.getUTCFullYear() - 14, month: 1, day: 1 }, jurisdiction: 'US-CA', source: 'staff' }),
    );

    const accountsServer = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(ACCOUNTS_SDL),
        resolvers: {
          Query: { user: (_: unknown, { id }: { id: string }) => USERS.find((u) => u.id === id) ?? null, users: () => USERS },
          User: { __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id) ?? null },
        },
      }),
      logger: silent,
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(accountsServer, { listen: { port: 0, host: '127.0.0.1' } });
    accounts = { url, stop: () => accountsServer.stop() };

    // What `rover subgraph introspect` reads from a running subgraph.
    const service = await fetch(`${env.url}/subgraph`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    consentrySdl = ((await service.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;

    const composed = composeServices([
      { name: 'accounts', typeDefs: parse(ACCOUNTS_SDL), url },
      { name: 'consentry', typeDefs: parse(consentrySdl), url: `${env.url}/subgraph` },
    ]);
    if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    supergraphSdl = composed.supergraphSdl;

    const gateway = new ApolloGateway({
      supergraphSdl,
      logger: silent,
      buildService: ({ url: serviceUrl }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url: serviceUrl,
          willSendRequest({ request, context }) {
            // The router's header propagation: the caller's Authorization goes to every subgraph.
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    router = new ApolloServer<{ authorization?: string }>({ gateway, logger: silent });
    await router.start();
  });

  afterAll(async () => {
    await router?.stop();
    await accounts?.stop();
    await env?.stop();
  });

  async function ask(query: string, authorization?: string) {
    const res = await router.executeOperation({ query }, { contextValue: { authorization } });
    if (res.body.kind !== 'single') throw new Error('incremental response');
    return res.body.singleResult as { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
  }

  it('composes: the checked-in subgraph.graphql is what /subgraph serves, and User gets Consentry’s privacy field', () => {
    const checkedIn = readFileSync(join(__dirname, '..', '..', 'subgraph.graphql'), 'utf8');
    expect(checkedIn).toContain(consentrySdl.trim());
    expect(supergraphSdl).toMatch(/type User[\s\S]*privacy: Privacy[\s\S]*@join__field\(graph: CONSENTRY\)/);
  });

  it('answers a query that crosses both subgraphs, with a service key', async () => {
    const res = await ask(`{ users { id name ${PRIVACY} } }`, `Bearer ${key}`);
    expect(res.errors).toBeUndefined();
    const [one, two, three] = res.data.users;

    expect(one).toMatchObject({ id: 'site-1', name: 'Ada' });
    expect(one.privacy).toMatchObject({
      subject: { id: ada.subjectId, externalId: 'site-1' },
      accountStatus: 'ACTIVE',
      saleShare: { optedOut: true, decision: 'denied', optInRequired: false },
      age: { bracket: 'UNKNOWN', jurisdiction: null, parentalConsentRequired: false, saleOptInRequired: false },
      sale: { __typename: 'PrivacyProcessingDecision', allowed: false, reason: 'OPTED_OUT' },
      bad: { __typename: 'PrivacyInvalidPurposeError', errorCode: 'INVALID_PROCESSING_PURPOSE', message: expect.stringMatching(/no_such_purpose/) },
    });
    expect(one.privacy.openRequests.map((r: { type: string }) => r.type)).toContain('access');
    expect(one.privacy.openRequests.every((r: { overdue: boolean }) => r.overdue === false)).toBe(true);

    // The same answers as Consentry's own API gives for the same subject.
    const direct = await env.gql(
      'query($s: ID!) { processingAllowed(subjectId: $s, purpose: "marketing.email") { ... on ProcessingDecision { allowed reason legalBasis } } }',
      { s: ada.subjectId },
      { token: key },
    );
    // The subgraph keeps its own contract: legalBasis as the policy's lower-case string (the API's is the ProcessingBasis enum).
    expect(one.privacy.email).toEqual({ __typename: 'PrivacyProcessingDecision', ...direct.data.processingAllowed, legalBasis: direct.data.processingAllowed.legalBasis.toLowerCase() });
    const mine = await env.gql('{ me { consents { purpose granted needsDecision decision } } }', {}, { token: ada.token });
    expect(one.privacy.consents).toEqual(mine.data.me.consents.map((c: { decision: string | null }) => ({ ...c, decision: c.decision?.toLowerCase() ?? null })));

    expect(two).toMatchObject({ id: 'site-2', name: 'Grace' });
    expect(two.privacy).toMatchObject({
      subject: { id: grace.subjectId },
      saleShare: { optedOut: true, optInRequired: true },
      age: { bracket: 'TEEN', jurisdiction: 'US-CA', parentalConsentRequired: false, saleOptInRequired: true },
      sale: { allowed: false, reason: 'MINOR_NOT_OPTED_IN' },
      openRequests: [],
    });

    // No Consentry subject carries site-3: no privacy, and no error.
    expect(three).toEqual({ id: 'site-3', name: 'Linus', privacy: null });
  });

  it('audits every read of personal data through the subgraph with the service key as actor', async () => {
    await ask(`{ user(id: "site-2") { privacy { consents { purpose } age { bracket } } } }`, `Bearer ${key}`);
    const events = await env.app.dataSource.getRepository(AuditEvent).find({ where: { subjectId: grace.subjectId }, order: { seq: 'DESC' }, take: 2 });
    expect(events.map((e) => [e.operation, e.actorRole]).sort()).toEqual([
      ['privacy.age', 'service'],
      ['privacy.consents', 'service'],
    ]);
  });

  it('lets a person read their own privacy through the router with their own session, and nobody else’s', async () => {
    const own = await ask('{ user(id: "site-1") { name privacy { saleShare { optedOut } } } }', `Bearer ${ada.token}`);
    expect(own.errors).toBeUndefined();
    expect(own.data.user).toEqual({ name: 'Ada', privacy: { saleShare: { optedOut: true } } });

    const other = await ask('{ user(id: "site-2") { name privacy { saleShare { optedOut } } } }', `Bearer ${ada.token}`);
    expect(other.data.user).toEqual({ name: 'Grace', privacy: null });
    expect(other.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['user', 'privacy']]]);

    // Whether another user id is linked at all is not told to a person either.
    const unlinked = await ask('{ user(id: "site-3") { privacy { accountStatus } } }', `Bearer ${ada.token}`);
    expect(unlinked.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const anonymous = await ask('{ user(id: "site-1") { name privacy { accountStatus } } }');
    expect(anonymous.data.user).toEqual({ name: 'Ada', privacy: null });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves Subject as an entity by Consentry’s id, for a service key or the subject', async () => {
    const entities = (token?: string) =>
      fetch(`${env.url}/subgraph`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { id externalId privacy { accountStatus saleShare { optedOut } } } } }',
          variables: { r: [{ __typename: 'Subject', id: ada.subjectId }, { __typename: 'Subject', id: '00000000-0000-4000-8000-000000000000' }] },
        }),
      }).then((r) => r.json() as Promise<{ data: any; errors?: { extensions?: Record<string, any>; path?: unknown[] }[] }>);

    const asService = await entities(key);
    expect(asService.errors).toBeUndefined();
    expect(asService.data._entities).toEqual([
      { id: ada.subjectId, externalId: 'site-1', privacy: { accountStatus: 'ACTIVE', saleShare: { optedOut: true } } },
      { id: '00000000-0000-4000-8000-000000000000', externalId: null, privacy: null },
    ]);

    const asAda = await entities(ada.token);
    expect(asAda.data._entities[0]).toEqual({ id: ada.subjectId, externalId: 'site-1', privacy: { accountStatus: 'ACTIVE', saleShare: { optedOut: true } } });
    expect(new Set(asAda.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
    expect(asAda.errors?.every((e) => (e.path as unknown[])[1] === 1)).toBe(true);

    const asGrace = await entities(grace.token);
    expect(asGrace.data._entities[0]).toEqual({ id: ada.subjectId, externalId: null, privacy: null });
    expect(asGrace.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });
});
