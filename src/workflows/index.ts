import { emailChangeV1 } from './email-change/email-change.workflow';
import type { WorkflowDefinition } from './runtime/workflow-registry';
import { ccpaOptOutV1 } from './ccpa-opt-out/ccpa-opt-out.workflow';

/**
 * Every workflow of the product, each machine at every version that may still have running
 * workflows. `npm run docs:workflows` draws them into docs/workflows.md.
 */
export const WORKFLOWS: WorkflowDefinition[] = [emailChangeV1, ccpaOptOutV1];
