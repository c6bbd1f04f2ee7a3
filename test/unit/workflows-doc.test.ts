import { readFileSync } from 'node:fs';
import { WORKFLOWS_DOC } from '../../scripts/workflows-doc';
import { WORKFLOWS } from '../../src/workflows';
import { mermaidOf, renderWorkflowsDoc } from '../../src/workflows/runtime/mermaid';
import { testFlowV2 } from '../fixtures/test-workflow';

describe('workflow diagrams', () => {
  it('docs/workflows.md is up to date (run npm run docs:workflows)', () => {
    expect(readFileSync(WORKFLOWS_DOC, 'utf8')).toBe(renderWorkflowsDoc(WORKFLOWS));
  });

  it('draws every state, transition, guard and effect of a machine from its definition', () => {
    expect(mermaidOf(testFlowV2.machine)).toBe(
      [
        'stateDiagram-v2',
        '[*] --> waiting',
        'waiting --> confirmed : link.confirm / cancelTimer, cancelTimer, recordConfirmation',
        'waiting --> expired : timer.expired / sendEmail, recordExpiry',
        'waiting --> waiting : timer.remind [canRemind] / assign, sendEmail',
        'waiting --> waiting : flow.poke / assign',
        'waiting --> cancelled : flow.cancel',
        'confirmed --> [*]',
        'expired --> [*]',
        'cancelled --> [*]',
      ].join('\n'),
    );
    expect(renderWorkflowsDoc([testFlowV2])).toContain('On start: sendEmail, startTimer, startTimer.');
  });
});
