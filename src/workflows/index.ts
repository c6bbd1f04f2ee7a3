import { emailChangeV1 } from './email-change/email-change.workflow';
import type { WorkflowDefinition } from './runtime/workflow-registry';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [emailChangeV1];
