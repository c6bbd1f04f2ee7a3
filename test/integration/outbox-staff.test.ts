import { graphql } from 'graphql';
import { Role, type Actor } from '../../src/auth/roles';
import { OutboxMessage } from '../../src/entities';
import { buildGraphQLSchema } from '../../src/schema/build-schema';
import type { RequestContext } from '../../src/schema/context';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { withTestFlow } from '../helpers/workflow-fixtures';

/**
 * The staff outbox operations through the real schema and auth checker. Sessions (ctx.actor from a
 * bearer token) come with the identity work; here the actor is put on the context directly.
 */
describe('outbox for staff', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...withTestFlow, env: { SMTP_URL: 'smtp://u:p@127.0.0.1:1', OUTBOX_MAX_ATTEMPTS: '1' } });
    for (let i = 0; i < 3; i++) await env.app.services.workflows.start({ machineId: 'test-flow', input: { email: `staff-${i}@example.test` } });
    await env.workers.sendMail(); // port 1 refuses: all three go dead at once (one attempt allowed)
  });
  afterAll(() => env?.stop());

  const run = async (source: string, actor?: Partial<Actor>, variableValues?: Record<string, unknown>) => {
    const contextValue: RequestContext = {
      requestId: 'req-staff-test',
      logger: env.app.logger,
      ip: '127.0.0.1',
      services: env.app.services,
      clock: env.clock,
      actor: actor ? { subjectId: 'staff-1', sessionId: 's', roles: [], mfaEnabled: true, assurance: 'second_factor', ...actor } : undefined,
    };
    return graphql({ schema: await buildGraphQLSchema(), source, contextValue, variableValues });
  };

  const LIST = `query($first: Int!, $after: String) { outbox(status: [DEAD], first: $first, after: $after) { nodes { id recipient status attempts lastError messageId } pageInfo { endCursor hasNextPage } } }`;

  it('lists dead messages page by page for staff', async () => {
    const first = await run(LIST, { roles: [Role.STAFF] }, { first: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = (first.data as any).outbox;
    expect(page1.nodes).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.nodes[0]).toMatchObject({ status: 'DEAD', attempts: 1 });
    const second = await run(LIST, { roles: [Role.ADMIN] }, { first: 2, after: page1.pageInfo.endCursor });
    const page2 = (second.data as any).outbox;
    expect(page2.nodes).toHaveLength(1);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...page1.nodes, ...page2.nodes].map((n: any) => n.recipient))).toEqual(new Set(['staff-0@example.test', 'staff-1@example.test', 'staff-2@example.test']));
  });

  it('retries a dead message, and answers typed errors for the rest', async () => {
    const dead = await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { recipient: 'staff-0@example.test' });
    const RETRY = `mutation($id: ID!) { retryOutboxMessage(id: $id) { __typename ... on OutboxMessage { status attempts } ... on ErrorResult { errorCode } } }`;
    const ok = await run(RETRY, { roles: [Role.STAFF] }, { id: dead.id });
    expect(ok.errors).toBeUndefined();
    expect((ok.data as any).retryOutboxMessage).toEqual({ __typename: 'OutboxMessage', status: 'QUEUED', attempts: 0 });
    await env.app.dataSource.manager.update(OutboxMessage, { id: dead.id }, { status: 'sent' });
    const again = await run(RETRY, { roles: [Role.STAFF] }, { id: dead.id });
    expect((again.data as any).retryOutboxMessage).toEqual({ __typename: 'OutboxMessageNotRetryableError', errorCode: 'OUTBOX_MESSAGE_NOT_RETRYABLE_ERROR' });
    const missing = await run(RETRY, { roles: [Role.STAFF] }, { id: '00000000-0000-4000-8000-000000000000' });
    expect((missing.data as any).retryOutboxMessage.errorCode).toBe('NOT_FOUND_ERROR');
  });

  it('refuses anonymous callers, subjects, and staff without a second factor', async () => {
    expect((await run(LIST, undefined, { first: 1 })).errors?.[0].message).toMatch(/Sign in first/);
    expect((await run(LIST, { roles: [Role.SUBJECT] }, { first: 1 })).errors?.[0].message).toMatch(/Access denied|not allowed/i);
    expect((await run(LIST, { roles: [Role.STAFF], mfaEnabled: false }, { first: 1 })).errors?.[0].message).toMatch(/two-factor/);
    const http = await env.gql(`{ outbox(first: 1) { nodes { id } } }`);
    expect(http.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
