import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');

describe('what a backend loads', () => {
  it('loads no worker code with the client: no worker modules, activities, workflow, TOP client, worker SDK or span exporter', async () => {
    // A fresh process, so nothing the test runner loaded counts.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '-e', "require('./src/client'); console.log(JSON.stringify(Object.keys(require.cache)))"],
      { cwd: ROOT },
    );
    const loaded = (JSON.parse(stdout) as string[]).map((file) => file.slice(ROOT.length + 1));
    assert.ok(loaded.includes('src/client.ts'), 'the probe did load the client');
    const worker = loaded.filter((file) =>
      /^src\/(activities|top|sandbox|worker)[/.]|^src\/workflows\/(?!messages|search-attributes)|node_modules\/(@temporalio\/(worker|activity)|@opentelemetry\/(sdk-trace-node|exporter-trace-otlp-http)|undici)\//.test(file),
    );
    assert.deepEqual(worker, []);
  });
});
