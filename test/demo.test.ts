import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

describe("the README's first command", () => {
  it('runs the product end to end on embedded defaults: every sample work order finishes', async () => {
    // `npm run demo` is this script after installing the CLI; free ports so it cannot clash with a developer's
    // running demo, and exit when done instead of waiting for Ctrl-C.
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_RANDOM_PORTS: '1', DEMO_EXIT_WHEN_DONE: '1' };
    delete env.TEMPORAL_ADDRESS;
    delete env.TOP_GATEWAY_URL;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts'], { cwd: ROOT, env, timeout: 180_000 });
    assert.match(stdout, /4 of 4 work orders finished/);
    assert.match(stdout, /Temporal UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows/);
    const statuses = stdout
      .split('\n')
      .filter((line) => /^DEMO-\S+\s/.test(line))
      .map((line) => line.split(/\s+/)[1]);
    assert.deepEqual(statuses, ['completed', 'completed', 'cancelled', 'completed']);
    assert.match(stdout, /\[isp-error\]/, 'the flaky sample really met transient faults');
  });

  it('Ctrl-C while the work orders are under way stops everything and exits cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_RANDOM_PORTS: '1' };
    delete env.TEMPORAL_ADDRESS;
    delete env.TOP_GATEWAY_URL;
    const demo = spawn(process.execPath, ['--import', 'tsx', 'dev/demo/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const underWay = new Promise<void>((resolvePromise) =>
      demo.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // The samples are mid-flight once TOP has seen calls and before any has finished.
        if (/TOP ← /.test(stdout)) resolvePromise();
      }),
    );
    const exited = once(demo, 'exit');
    const killer = setTimeout(() => demo.kill('SIGKILL'), 90_000);
    try {
      await underWay;
      assert.doesNotMatch(stdout, /work orders finished/, 'interrupted mid-run');
      // What the dev server may log while it starts (a health probe answered "Frontend is not healthy yet")
      // is not the way out.
      const stderrBeforeStop = stderr.length;
      demo.kill('SIGINT');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, null, `ended by itself, not killed (stderr: ${stderr})`);
      assert.equal(code, 0);
      assert.match(stdout, /stopping: worker, sandbox, Temporal/);
      assert.equal(stderr.slice(stderrBeforeStop).trim(), '', 'no error or stack trace on the way out');
    } finally {
      clearTimeout(killer);
    }
  });
});

describe("the README's two commands on a machine whose Node.js is older than the product's", () => {
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
    try {
      return Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]']).toString()) < 24;
    } catch {
      return false;
    }
  });

  it('run on the pinned Node that scripts/install-node.sh installs, as CI does', { skip: systemNode ? false : 'no Node.js older than 24 on this machine to try it with' }, async () => {
    // Only the old Node on PATH, as on a newcomer's machine: `npm run demo` and `npm test` go through with-node.sh.
    const path = `${resolve(systemNode!, '..')}:/usr/bin:/bin`;
    const { stdout, stderr } = await run('bash', ['scripts/with-node.sh', 'node', '-p', 'process.versions.node'], { cwd: ROOT, env: { ...process.env, PATH: path } });
    const pinned = /NODE_VERSION=([\d.]+)/.exec(readFileSync(resolve(ROOT, 'scripts/install-node.sh'), 'utf8'))![1];
    assert.equal(stdout.trim(), pinned);
    assert.match(stderr, /the product needs 24\.\d+\.\d+ or newer: using the pinned Node/);
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.demo!, /with-node\.sh tsx dev\/demo\/main\.ts/);
    assert.match(pkg.scripts.test!, /^bash scripts\/with-node\.sh /);
  });
});
