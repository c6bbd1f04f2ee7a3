import type { WorkflowDefinition } from './runtime/workflow-registry';
import { ccpaOptOutV1 } from './ccpa-opt-out/ccpa-opt-out.workflow';
import { emailChangeV1 } from './email-change/email-change.workflow';
import { erasureWorkflow } from './erasure/erasure.workflow';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [emailChangeV1, erasureWorkflow, ccpaOptOutV1];
