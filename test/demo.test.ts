import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
});
