import { after } from 'node:test';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startLocalTemporal, type LocalTemporalOptions } from '../../src/dev/temporal-server';

let runtimeInstalled = false;

/**
 * A real Temporal dev server for this test file (each file runs in its own process), torn down at the
 * end. The SDK runtime is installed once per process, quietly.
 */
export async function startTemporal(options: LocalTemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const env = await startLocalTemporal(options);
  after(() => env.teardown());
  return env;
}
