/**
 * Scratch: replays one saved history REPEAT times in one replay worker, for `node --cpu-prof`.
 * Usage: node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/replay-profile.ts HISTORY.json [ours|baseline] [REPEAT]
 * With REPLAY_WITHOUT_VM_TIMEOUT=1 the SDK's calls into the workflow VM run without their `timeout`, an
 * experiment only: Node starts and joins a watchdog thread for every vm call with a timeout
 * (nodejs/node#47739), and the SDK sets one on each (its deadlock detection), so this measures that thread's cost.
 * With REPLAY_STACK_TRACE_LIMIT=n (ours only, an experiment only) a module preloaded into the workflow context
 * sets its `Error.stackTraceLimit` to n (V8's default is 10) before the SDK freezes the context: the SDK captures
 * a stack for every promise workflow code creates (for the UI's stack-trace query), so this measures that cost.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { bundleWorkOrderWorkflows, PRELOADED_WORKFLOW_MODULES } from '../src/worker/workflow-bundle';
import { createTracing, WORKFLOW_INTERCEPTOR_MODULES } from '../src/worker/tracing';

if (process.env.REPLAY_WITHOUT_VM_TIMEOUT === '1') {
  const runInContext = vm.Script.prototype.runInContext; // eslint-disable-line @typescript-eslint/unbound-method
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
    return runInContext.call(this, context, { ...options, timeout: undefined }) as unknown;
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [file, which = 'ours', repeat = '50'] = process.argv.slice(2);
  const history = historyFromJSON(JSON.parse(readFileSync(file!, 'utf8')));
  const bundle = which === 'ours' ? await oursBundle() : await bundleWorkflowCode({ workflowsPath: require.resolve('./lib/baseline-work-order'), workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: new DefaultLogger('ERROR') });
  const histories = Array.from({ length: Number(repeat) }, (_, i) => ({ workflowId: `p-${i}`, history }));
  const t0 = process.cpuUsage();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, sinks: createTracing({ serviceName: 'replay-profile' }).sinks }, histories)) if (result.error) throw result.error;
  const cpu = process.cpuUsage(t0);
  console.log(`${which}: ${((cpu.user + cpu.system) / 1000 / Number(repeat)).toFixed(1)} ms CPU per replay`);
}

/** The production bundle; with REPLAY_STACK_TRACE_LIMIT, the same built with the limit's module preloaded first. */
async function oursBundle(): Promise<Awaited<ReturnType<typeof bundleWorkOrderWorkflows>>> {
  const limit = process.env.REPLAY_STACK_TRACE_LIMIT;
  if (limit === undefined) return await bundleWorkOrderWorkflows();
  const module = join(mkdtempSync(join(tmpdir(), 'stack-trace-limit-')), 'stack-trace-limit.js');
  writeFileSync(module, `Error.stackTraceLimit = ${Number(limit)};\n`);
  return await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    preloadModules: [module, ...PRELOADED_WORKFLOW_MODULES],
    logger: new DefaultLogger('ERROR'),
  });
}

void main();
