/**
 * The worker process (as `npm run worker` runs it) when something it depends on fails: a sessions file that
 * goes bad makes it not ready, saying why, while the last good copy serves; a Temporal worker that stops on
 * a fatal error makes the process fail liveness at once and exit non-zero, the cause logged, instead of
 * idling alive.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { freePort, startNode } from '../../dev/processes';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { DEFAULT_SESSIONS, eventually } from '../helpers/stack';
import { startSandbox } from '../helpers/sandbox';
import { startTemporal } from '../helpers/temporal';

describe('the worker process when what it depends on fails', async () => {
  const env = await startTemporal({ searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES });
  const sandbox = await startSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'worker-failures-'));
  const sessionsFile = join(dir, 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify(DEFAULT_SESSIONS));
  // The prebuilt-bundle path production takes, with a workflow that stops the worker.
  const bundle = join(dir, 'bundle.js');
  writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/fatal-workflows'), logger: new DefaultLogger('ERROR') })).code);
  const healthPort = await freePort();
  const worker = await startNode(
    'src/worker.ts',
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: 'worker-failures',
      TOP_GATEWAY_URL: sandbox.gatewayUrl,
      TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
      TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
      TOP_SESSIONS_FILE: sessionsFile,
      TOP_SESSIONS_CHECK_INTERVAL_MS: '200',
      WORKFLOW_BUNDLE_PATH: bundle,
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
    },
    /worker on task queue/,
  );
  after(() => worker.stop());
  const logLines: string[] = [];
  worker.process.stdout!.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => worker.process.once('exit', (code) => resolve(code)));
  const health = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${healthPort}${path}`);
    return { status: response.status, body: (await response.json()) as { state: string; problems?: string[] } };
  };

  it('a sessions file that goes bad: not ready, saying why; ready again once it is good', async () => {
    await eventually(async () => ((await health('/readyz')).status === 200 ? true : undefined), 'ready');
    renameSync(sessionsFile, `${sessionsFile}.moved`);
    const notReady = await eventually(async () => {
      const { status, body } = await health('/readyz');
      return status === 503 ? body : undefined;
    }, 'not ready');
    assert.deepEqual(notReady.problems, [`TOP_SESSIONS_FILE ${sessionsFile} cannot be read: no such file (ENOENT)`]);
    assert.equal((await health('/healthz')).status, 200, 'alive: the last good copy serves');
    assert.ok(logLines.some((line) => line.includes('the sessions file cannot be used')));
    renameSync(`${sessionsFile}.moved`, sessionsFile);
    await eventually(async () => ((await health('/readyz')).status === 200 ? true : undefined), 'ready again');
  });

  it('a Temporal worker stopped by a fatal error: liveness fails at once, the cause is logged, the process exits non-zero', async () => {
    await env.client.workflow.start('undecodableCommand', { taskQueue: 'worker-failures', workflowId: 'fatal-1' });
    let sawDead = false;
    const code = await Promise.race([
      exited,
      (async () => {
        for (;;) {
          const alive = await health('/healthz').then(({ status }) => status === 200, () => undefined);
          if (alive === false) sawDead = true;
          if (alive === undefined) return new Promise<null>(() => undefined); // gone: wait for the exit
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
    ]);
    assert.equal(code, 1);
    assert.ok(sawDead, 'liveness failed before the process went');
    const fatal = logLines.map((line) => JSON.parse(line) as { level: string; message: string; cause?: string }).find((line) => line.message.includes('stopped on its own'));
    assert.ok(fatal, logLines.slice(-5).join('\n'));
    assert.equal(fatal.level, 'ERROR');
    assert.match(fatal.cause ?? '', /Cannot decode Completion/);
  });
});
