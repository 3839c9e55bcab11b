import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/aes-gcm-codec';
import { WORKFLOW_INTERCEPTOR_MODULES } from './tracing';

/**
 * Modules each workflow thread evaluates once and shares across its workflows (with what they import):
 * with reuseV8Context every other module of the bundle is evaluated again for each cached workflow. Only
 * modules that keep no per-workflow state belong here; the SDK deep-freezes what they export.
 */
export const PRELOADED_WORKFLOW_MODULES: readonly string[] = [require.resolve('../workflows/validation')];

/**
 * The workflow code as production runs it: the work-order workflow with the tracing interceptors built
 * in, the message validation preloaded, and the failure converter that moves failure messages into a
 * payload (encrypted when the worker has payload keys; a prebuilt bundle cannot take it from the worker's
 * data converter). The prebuilt bundle, the replay tests and the chaos rig all use this, so they run
 * the same code; `workflowsPath` builds another build of it the same way (the versioning test's build B).
 */
export async function bundleWorkOrderWorkflows(workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    preloadModules: [...PRELOADED_WORKFLOW_MODULES],
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'), // bundler chatter is noise for tests and scripts; errors still show
  });
}
