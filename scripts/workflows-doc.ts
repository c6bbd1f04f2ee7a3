/** Writes docs/workflows.md from the registered machines (`npm run docs:workflows`); a test fails when it is stale. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOWS } from '../src/workflows';
import { renderWorkflowsDoc } from '../src/workflows/runtime/mermaid';

export const WORKFLOWS_DOC = join(__dirname, '..', 'docs', 'workflows.md');

if (require.main === module) {
  mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });
  writeFileSync(WORKFLOWS_DOC, renderWorkflowsDoc(WORKFLOWS));
  process.stdout.write('docs/workflows.md written\n');
}
