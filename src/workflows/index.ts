import { erasureWorkflow } from './erasure/erasure.workflow';
import type { WorkflowDefinition } from './runtime/workflow-registry';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [erasureWorkflow];
