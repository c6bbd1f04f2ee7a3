import { ActionToken, AuditEvent, OutboxMessage, Timer, Workflow, WorkflowEvent } from '../../src/entities';
import type { TestEnv, TestEnvOptions } from './test-env';
import { testFlowEffects, testFlowV1, testFlowV2 } from '../fixtures/test-workflow';

/** createTestEnv options that register the test-only machine (v1 and v2) and its domain effect. */
export const withTestFlow: TestEnvOptions = {
  workflows: [testFlowV1, testFlowV2],
  effects: (app) => testFlowEffects((em, entry) => app.services.audit.append(em, entry)),
};

/** Row counts of every table the runtime writes: equal before and after = nothing written. */
export async function rowCounts(env: TestEnv): Promise<Record<string, number>> {
  const m = env.app.dataSource.manager;
  return {
    workflow: await m.count(Workflow),
    workflowEvent: await m.count(WorkflowEvent),
    timer: await m.count(Timer),
    pendingTimers: await m.countBy(Timer, { status: 'pending' }),
    outbox: await m.count(OutboxMessage),
    token: await m.count(ActionToken),
    audit: await m.count(AuditEvent),
  };
}
