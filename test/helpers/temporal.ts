import { after } from 'node:test';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startLocalTemporal, type LocalTemporalOptions } from '../../dev/temporal-server';

let runtimeInstalled = false;

/** The SDK runtime may be installed once per process; each test file is its own process. */
export function installQuietRuntime(logger: DefaultLogger = new DefaultLogger('ERROR')): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger });
  runtimeInstalled = true;
}

/** A real Temporal dev server for this test file, torn down when the file ends. */
export async function startTemporal(options: LocalTemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const env = await startLocalTemporal(options);
  after(() => env.teardown());
  return env;
}
