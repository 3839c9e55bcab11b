/**
 * Prebuilds the workflow bundle for production workers (WORKFLOW_BUNDLE_PATH), so a worker starts
 * without webpack and runs exactly the code that was tested. Must be built with the same
 * @temporalio/worker version the worker runs.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkOrderWorkflows } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkOrderWorkflows();
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

void main();
