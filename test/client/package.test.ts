import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startStack } from '../helpers/stack';
import { newWorkOrderId } from '../helpers/work-orders';

const ROOT = resolve(__dirname, '../..');
const PACKAGE = join(ROOT, 'packages/client');
const run = promisify(execFile);

/** What a backend must never get with the client: the worker's native core, its HTTP client, bundler and exporters. */
const WORKER_ONLY = [
  '@temporalio/worker',
  '@temporalio/core-bridge',
  '@temporalio/activity',
  '@temporalio/testing',
  '@swc/core',
  'webpack',
  'undici',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/sdk-trace-node',
  'jose',
];

/** Every package installed under `dir`'s node_modules, nested ones included, by name. */
function installedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (modules: string) => {
    for (const entry of safeReaddir(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? safeReaddir(join(modules, entry)).map((name) => `${entry}/${name}`) : [entry];
      for (const name of scoped) {
        names.add(name);
        walk(join(modules, name, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return names;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function sizeOf(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

describe('the client package, as a backend installs it', async () => {
  const stack = await startStack();
  const backend = mkdtempSync(join(tmpdir(), 'wo-backend-'));
  after(() => rmSync(backend, { recursive: true, force: true }));

  it('packs, installs outside the repository without the worker’s dependencies, compiles strictly, and drives work orders', async (t) => {
    // `npm pack` builds it (prepack), as publishing would.
    const packed = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', backend], { cwd: PACKAGE })).stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = packed[0]!;
    const files = tarball.files.map((file) => file.path);
    assert.ok(files.includes('dist/client.d.ts') && files.includes('schemas/start-input.schema.json') && files.includes('bin/work-order.js'), files.join(' '));
    assert.deepEqual(
      files.filter((file) => /^dist\/(activities|top|sandbox|workflows\/(?!messages|search-attributes))|worker/.test(file)),
      [],
      'no worker, activity, TOP or workflow code in the package',
    );

    const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    writeFileSync(
      join(backend, 'package.json'),
      JSON.stringify({
        name: 'a-backend',
        private: true,
        dependencies: { '@taobao-work-orders/client': `file:./${tarball.filename}` },
        devDependencies: { '@types/node': rootPackage.devDependencies['@types/node'] },
      }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: backend });

    const installed = installedPackages(backend);
    assert.ok(installed.has('@taobao-work-orders/client') && installed.has('@temporalio/client'));
    assert.deepEqual(WORKER_ONLY.filter((name) => installed.has(name)), []);
    const bytes = sizeOf(join(backend, 'node_modules')) - sizeOf(join(backend, 'node_modules/@types'));
    t.diagnostic(`the client installs ${installed.size - 1} packages, ${(bytes / 2 ** 20).toFixed(1)} MiB (without @types)`);

    // A strict TypeScript build of a use of every function, against the installed declarations only.
    mkdirSync(join(backend, 'src'));
    copyFileSync(join(ROOT, 'test/fixtures/client-package/backend.ts'), join(backend, 'src/backend.ts'));
    // skipLibCheck as in Temporal's samples: the SDK's own declarations import `ms` without its types.
    writeFileSync(
      join(backend, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, skipLibCheck: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', resolveJsonModule: true, types: ['node'], rootDir: 'src', outDir: 'dist' },
        files: ['src/backend.ts'],
      }),
    );
    const compiled = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', backend]).catch((error: { stdout: string }) => {
      throw new Error(`the backend does not compile:\n${error.stdout}`);
    });
    assert.equal(compiled.stdout, '');

    const env = { ...process.env, TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE };
    const prefix = newWorkOrderId('WO-PKG');
    const { stdout } = await run(process.execPath, [join(backend, 'dist/backend.js'), prefix, 'seller-a', 'seller-without-key'], { env, cwd: backend });
    const answers = JSON.parse(stdout) as Record<string, any>;
    assert.match(answers.invalidStart, /^InvalidInputError: invalid work order: workOrderId: /);
    assert.deepEqual(answers.started, { workOrderId: `${prefix}-completed`, workflowId: `work-order-${prefix}-completed`, alreadyClosed: false });
    assert.equal(answers.startedAgain.alreadyClosed, false);
    assert.equal(answers.workflowIdMatches, true);
    assert.equal(answers.defaultTaskQueue, 'taobao-work-orders');
    assert.equal(answers.tracingInterceptors, true);
    assert.ok((answers.schemaRequires as string[]).includes('workOrderId'));
    assert.deepEqual(answers.ack, { accepted: true, progressReceived: 1 });
    assert.ok((answers.runningStatuses as string[]).includes('open'));
    assert.ok(answers.openCount >= 1);
    assert.deepEqual(answers.completion, { workOrderId: `${prefix}-completed`, alreadyClosed: false });
    assert.deepEqual(answers.result, {
      status: 'completed',
      progressReceived: 2,
      steps: ['emit-created-event', 'notify-first-node', 'notify-node', 'notify-node', 'notify-final-node', 'emit-closing-event'],
    });
    assert.deepEqual(answers.completedAgain, { workOrderId: `${prefix}-completed`, alreadyClosed: true, status: 'completed' });
    assert.equal(answers.progressAfterClose, 'WorkOrderClosedError');
    assert.deepEqual(answers.dryRun, { matched: 1, workOrderIds: [`${prefix}-failing`] });
    assert.equal(answers.retried, true);
    assert.equal(answers.skipped, true);
    assert.equal(answers.retryWhenOpen.retried, false);
    assert.equal(answers.cancelled.alreadyClosed, false);
    assert.deepEqual(answers.cancelledResult, {
      status: 'cancelled',
      steps: ['emit-created-event:failed', 'emit-created-event:failed', 'emit-created-event:skipped'],
    });
    assert.equal(answers.unknown, 'WorkOrderNotFoundError');

    // The package's `work-order` command, as an operator runs it from the backend's project.
    const status = await run(join(backend, 'node_modules/.bin/work-order'), ['status', `${prefix}-completed`], { env, cwd: backend });
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'completed');
  });

  it('depends on exactly the versions the product is built and tested with', () => {
    const versions = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { version: string; dependencies: Record<string, string> };
    const product = versions(join(ROOT, 'package.json'));
    const client = versions(join(PACKAGE, 'package.json'));
    assert.equal(client.version, product.version, 'one release: the client and the worker share a version');
    for (const [name, version] of Object.entries(client.dependencies)) assert.equal(version, product.dependencies[name], name);
  });
});
