import { fromPromise, setup } from 'xstate';
import { WorkflowRegistry } from '../../src/workflows/runtime/workflow-registry';
import { testFlowV1, testFlowV2 } from '../fixtures/test-workflow';

describe('workflow registry', () => {
  it('lists machines by id and version and refuses unknown ones clearly', () => {
    const registry = new WorkflowRegistry().register(testFlowV2).register(testFlowV1);
    expect(registry.list().map((d) => d.version)).toEqual([1, 2]);
    expect(registry.latest('test-flow').version).toBe(2);
    expect(registry.machine('test-flow', 1)).toBe(testFlowV1);
    expect(() => registry.machine('test-flow', 3)).toThrow('Unknown version 3 of workflow machine "test-flow": this release has versions 1, 2');
    expect(() => registry.latest('other')).toThrow('Unknown workflow machine "other"');
    expect(() => registry.register(testFlowV1)).toThrow('test-flow@1 is registered twice');
    expect(registry.template('test-confirm')?.id).toBe('test-confirm');
    expect(registry.linkTexts('test-confirm')?.de.button).toBe('Adresse bestätigen');
  });

  it('refuses machines that would not survive a restore: after delays and invoked actors', () => {
    const delayed = setup({}).createMachine({ id: 'delayed', initial: 'a', states: { a: { after: { 1000: 'b' } }, b: {} } });
    expect(() => new WorkflowRegistry().register({ machine: delayed, version: 1, description: '' })).toThrow("Workflow delayed.a uses an 'after' delay");
    const invoking = setup({ actors: { load: fromPromise(async () => 1) } }).createMachine({ id: 'invoking', initial: 'a', states: { a: { invoke: { src: 'load' } } } });
    expect(() => new WorkflowRegistry().register({ machine: invoking, version: 1, description: '' })).toThrow('Workflow invoking.a invokes an actor');
  });

  it('refuses effect handlers that shadow built-in actions or each other', () => {
    const registry = new WorkflowRegistry().registerEffect('grant', async () => undefined);
    expect(() => registry.registerEffect('grant', async () => undefined)).toThrow('registered twice');
    expect(() => registry.registerEffect('sendEmail', async () => undefined)).toThrow('built-in');
  });
});
