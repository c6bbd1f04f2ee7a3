import { setup } from 'xstate';
import type { App } from '../../src/app';
import { effect, type SendEmailParams } from '../../src/workflows/runtime/actions';
import { ccpaOptOutNoticeTemplate } from '../../src/workflows/ccpa-opt-out/ccpa-opt-out.workflow';

/**
 * A bench-only machine, registered only by the bench's own entry points (never by src/): one state
 * that accepts STEP forever, each STEP queueing one mail. So one delivery is exactly what issue 7's
 * baseline (d) measures: the snapshot update (+ processed-event row), one outbox insert and one
 * audit append, in one transaction.
 */
export const BENCH_STEP = 'bench-step';
export const BENCH_WORKFLOWS = 50;

const benchStepMachine = setup({
  types: { context: {} as { to: string }, events: {} as { type: 'STEP' } },
  actions: { sendEmail: effect<SendEmailParams>() },
}).createMachine({
  id: BENCH_STEP,
  context: { to: 'bench-step@bench.example' },
  initial: 'open',
  states: {
    open: {
      on: { STEP: { actions: [{ type: 'sendEmail', params: ({ context }) => ({ to: context.to, template: ccpaOptOutNoticeTemplate.id, locale: 'en' }) }] } },
    },
  },
});

export const benchWorkflowIds: string[] = [];

/** Registers the machine and starts the workflows the route delivers to (round robin, so concurrent steps rarely meet on one row). */
export async function seedWorkflows(app: App): Promise<void> {
  if (!app.services.workflows.registry.list().some((d) => d.machine.id === BENCH_STEP)) {
    app.services.workflows.registry.register({ machine: benchStepMachine, version: 1, description: 'bench only', templates: [] });
  }
  // The step is the transaction; sending the queued mails is the outboxDispatch scenario's, not this one's.
  await app.outboxWorker.stop();
  for (let i = 0; i < BENCH_WORKFLOWS; i++) benchWorkflowIds.push((await app.services.workflows.start({ machineId: BENCH_STEP })).id);
}

let next = 0;
let eventSeq = 0;
export async function deliverStep(app: App): Promise<string> {
  const workflowId = benchWorkflowIds[next++ % benchWorkflowIds.length];
  const result = await app.services.workflows.deliver(workflowId, { id: `bench-${process.pid}-${++eventSeq}`, type: 'STEP' });
  if (!('workflow' in result)) throw new Error(result.message);
  return result.workflow.stateValue;
}
