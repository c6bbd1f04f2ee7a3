import { randomUUID } from 'node:crypto';
import { graphql } from 'graphql';
import { In } from 'typeorm';
import { Role, type Actor } from '../../src/auth/roles';
import { AuditEvent, OutboxMessage } from '../../src/entities';
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

  const LIST = `query($first: Int!, $after: String) { outbox(status: [DEAD], first: $first, after: $after) { edges { node { id recipient status attempts lastError messageId } } pageInfo { endCursor hasNextPage } } }`;

  it('lists dead messages page by page for staff', async () => {
    const first = await run(LIST, { roles: [Role.STAFF] }, { first: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = (first.data as any).outbox;
    expect(page1.edges.map((e: any) => e.node)).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges.map((e: any) => e.node)[0]).toMatchObject({ status: 'DEAD', attempts: 1 });
    const second = await run(LIST, { roles: [Role.ADMIN] }, { first: 2, after: page1.pageInfo.endCursor });
    const page2 = (second.data as any).outbox;
    expect(page2.edges.map((e: any) => e.node)).toHaveLength(1);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...page1.edges.map((e: any) => e.node), ...page2.edges.map((e: any) => e.node)].map((n: any) => n.recipient))).toEqual(new Set(['staff-0@example.test', 'staff-1@example.test', 'staff-2@example.test']));
  });

  it('retries a dead message, and answers typed errors for the rest', async () => {
    const dead = await env.app.dataSource.manager.findOneByOrFail(OutboxMessage, { recipient: 'staff-0@example.test' });
    const RETRY = `mutation($id: ID!) { retryOutboxMessage(input: { messageId: $id }) { __typename ... on OutboxMessage { status attempts } ... on ErrorResult { errorCode } } }`;
    const ok = await run(RETRY, { roles: [Role.STAFF] }, { id: dead.id });
    expect(ok.errors).toBeUndefined();
    expect((ok.data as any).retryOutboxMessage).toEqual({ __typename: 'OutboxMessage', status: 'QUEUED', attempts: 0 });
    await env.app.dataSource.manager.update(OutboxMessage, { id: dead.id }, { status: 'sent' });
    const again = await run(RETRY, { roles: [Role.STAFF] }, { id: dead.id });
    expect((again.data as any).retryOutboxMessage).toEqual({ __typename: 'OutboxMessageNotRetryableError', errorCode: 'OUTBOX_MESSAGE_NOT_RETRYABLE' });
    const missing = await run(RETRY, { roles: [Role.STAFF] }, { id: '00000000-0000-4000-8000-000000000000' });
    expect((missing.data as any).retryOutboxMessage.errorCode).toBe('NOT_FOUND');
  });

  it('retries dead messages in bulk: bounded per call, filtered, audited, and only dead ones', async () => {
    const m = env.app.dataSource.manager;
    // Dead webhooks of one event besides the dead mails (two of the three staff-* mails are still dead).
    const now = env.clock.now();
    for (let i = 0; i < 3; i++) {
      await m.insert(OutboxMessage, {
        id: randomUUID(), channel: 'webhook', recipient: `https://hooks.example.test/${i}`, template: 'erasure', locale: 'en', params: '{}', status: 'dead',
        attempts: 1, nextAttemptAt: new Date(now.getTime() - (3 - i) * 60_000), lastError: 'HTTP 500', messageId: `bulk-${i}`, workflowId: null, subjectId: null,
        createdAt: now, updatedAt: now, sentAt: null,
      });
    }
    const BULK = `mutation($channel: OutboxMessageChannel, $template: String, $limit: Int) { retryDeadOutboxMessages(input: { channel: $channel, template: $template, limit: $limit }) { __typename ... on RetriedOutboxMessages { count ids hasMore } ... on ErrorResult { errorCode } } }`;
    const deadMails = await m.findBy(OutboxMessage, { channel: 'email', status: 'dead' });
    expect(deadMails).toHaveLength(2);

    // A filter that matches nothing changes nothing.
    expect((await run(BULK, { roles: [Role.STAFF] }, { template: 'no-such-template' })).data).toEqual({ retryDeadOutboxMessages: { __typename: 'RetriedOutboxMessages', count: 0, ids: [], hasMore: false } });
    // Webhooks of the event, two per call, the longest dead first.
    const first = await run(BULK, { roles: [Role.STAFF] }, { channel: 'WEBHOOK', template: 'erasure', limit: 2 });
    expect(first.errors).toBeUndefined();
    expect((first.data as any).retryDeadOutboxMessages).toMatchObject({ count: 2, hasMore: true });
    const firstIds = (first.data as any).retryDeadOutboxMessages.ids as string[];
    expect((await m.findBy(OutboxMessage, { id: In(firstIds) })).map((r) => r.messageId).sort()).toEqual(['bulk-0', 'bulk-1']);
    const second = await run(BULK, { roles: [Role.ADMIN] }, { channel: 'WEBHOOK', template: 'erasure', limit: 2 });
    expect((second.data as any).retryDeadOutboxMessages).toMatchObject({ count: 1, hasMore: false });
    expect(await m.countBy(OutboxMessage, { channel: 'webhook', status: 'queued', attempts: 0 })).toBe(3);
    // The mails were not touched by the webhook filter; then everything else that is dead.
    expect(await m.countBy(OutboxMessage, { channel: 'email', status: 'dead' })).toBe(2);
    const rest = await run(BULK, { roles: [Role.STAFF] }, {});
    expect((rest.data as any).retryDeadOutboxMessages).toMatchObject({ count: 2, hasMore: false });
    for (const row of await m.findBy(OutboxMessage, { id: In(deadMails.map((r) => r.id)) })) {
      expect(row).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: env.clock.now() });
    }
    expect(await m.countBy(OutboxMessage, { status: 'dead' })).toBe(0);
    // A sent message stays sent.
    expect(await m.countBy(OutboxMessage, { status: 'sent' })).toBe(1);

    const audits = await m.find(AuditEvent, { where: { action: 'outbox.retry_dead' }, order: { seq: 'ASC' } });
    expect(audits).toHaveLength(4);
    expect(audits[1]).toMatchObject({ actorId: 'staff-1', actorRole: 'staff', operation: 'retryDeadOutboxMessages', requestId: 'req-staff-test' });
    expect(JSON.parse(audits[1].details)).toEqual({ count: 2, outboxIds: firstIds, filter: { channel: 'webhook', template: 'erasure', limit: 2 } });
  });

  it('refuses a bulk retry to subjects, to staff without a second factor, and with bad input', async () => {
    const BULK = `mutation($limit: Int, $template: String) { retryDeadOutboxMessages(input: { limit: $limit, template: $template }) { __typename ... on RetriedOutboxMessages { count } ... on InvalidInputError { errorCode fields { field } } } }`;
    expect((await run(BULK, undefined, {})).errors?.[0].message).toMatch(/Sign in first/);
    expect((await run(BULK, { roles: [Role.SUBJECT] }, {})).errors?.[0].message).toMatch(/Access denied|not allowed/i);
    expect((await run(BULK, { roles: [Role.STAFF], mfaEnabled: false }, {})).errors?.[0].message).toMatch(/two-factor/);
    // Format problems are data now (InvalidInputError naming the field), as the issue asks: they were a thrown BAD_USER_INPUT.
    for (const [variables, field] of [[{ limit: 0 }, 'input.limit'], [{ limit: 501 }, 'input.limit'], [{ template: 'Robert"); DROP TABLE outbox_message;--' }, 'input.template']] as const) {
      const res = await run(BULK, { roles: [Role.STAFF] }, variables);
      expect((res.data as any).retryDeadOutboxMessages).toEqual({ __typename: 'InvalidInputError', errorCode: 'INVALID_INPUT', fields: [{ field }] });
    }
  });

  it('refuses anonymous callers, subjects, and staff without a second factor', async () => {
    expect((await run(LIST, undefined, { first: 1 })).errors?.[0].message).toMatch(/Sign in first/);
    expect((await run(LIST, { roles: [Role.SUBJECT] }, { first: 1 })).errors?.[0].message).toMatch(/Access denied|not allowed/i);
    expect((await run(LIST, { roles: [Role.STAFF], mfaEnabled: false }, { first: 1 })).errors?.[0].message).toMatch(/two-factor/);
    const http = await env.gql(`{ outbox(first: 1) { edges { node { id } } } }`);
    expect(http.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
