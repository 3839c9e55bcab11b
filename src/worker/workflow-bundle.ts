import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from './tracing';

/**
 * Modules each workflow thread evaluates once and shares across its workflows (with what they import):
 * with reuseV8Context every other module of the bundle is evaluated again for each cached workflow. Only
 * modules that keep no per-workflow state belong here; the SDK deep-freezes what they export.
 */
export const PRELOADED_WORKFLOW_MODULES: readonly string[] = [require.resolve('../workflows/validation')];

/**
 * The workflow code as production runs it: the work-order workflow with the tracing interceptors built
 * in and the message validation preloaded. The prebuilt bundle, the replay tests and the chaos rig all use this, so they run
 * the same code; `workflowsPath` builds another build of it the same way (the versioning test's build B).
 */
export async function bundleWorkOrderWorkflows(workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    preloadModules: [...PRELOADED_WORKFLOW_MODULES],
    logger: new DefaultLogger('ERROR'), // bundler chatter is noise for tests and scripts; errors still show
  });
}
