import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from './tracing';

/**
 * The workflow code as production runs it: the work-order workflow with the tracing interceptors built
 * in. The prebuilt bundle, the replay tests and the chaos rig all use this, so they run the same code.
 */
export async function bundleWorkOrderWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    logger: new DefaultLogger('ERROR'), // bundler chatter is noise for tests and scripts; errors still show
  });
}
