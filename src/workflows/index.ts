import type { WorkflowDefinition } from './runtime/workflow-registry';
import { ccpaOptOutV1 } from './ccpa-opt-out/ccpa-opt-out.workflow';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [ccpaOptOutV1];
