import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { TopError, rdcIdentificationCaseUpdate } from '../../src/top';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { sandboxClient } from '../helpers/sandbox';
import { eventually } from '../helpers/stack';

const caseUpdate = { param: { detail_order_id: '194467217119131', refund_id: '147822831913191', outer_case_id: 'WO-S', operate_type: 1 as const, operate_tips: 't', occur_time: 1_700_000_000 } };

/** `npm run sandbox` with the worker's sessions file: one file configures both. */
describe('the sandbox reads the same TOP_SESSIONS_FILE as the worker', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sandbox-sessions-')), 'sessions.json');
  writeFileSync(file, JSON.stringify({ 'my-shop': 'file-session-key-1' }));
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src/sandbox/main.ts')], {
    env: { ...process.env, TOP_SANDBOX_PORT: '0', TOP_SESSIONS_FILE: file },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => child.kill());
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const gatewayUrl = await eventually(() => /TOP sandbox gateway: (\S+)/.exec(output)?.[1], 'sandbox started', 20_000);
  const top = sandboxClient({ gatewayUrl });

  it("accepts the file's session keys instead of the built-in ones, and names sellers, not keys", async () => {
    await rdcIdentificationCaseUpdate(top, caseUpdate, { session: 'file-session-key-1' });
    const builtIn = Object.keys(SANDBOX_DEFAULTS.sessions)[0]!;
    await assert.rejects(rdcIdentificationCaseUpdate(top, caseUpdate, { session: builtIn }), (error: unknown) => error instanceof TopError && error.classification === 'authorization');
    assert.match(output, /sessions for sellers: my-shop/);
    assert.doesNotMatch(output, /file-session-key-1/);
  });

  it('follows the file when a seller re-authorizes', async () => {
    writeFileSync(file, JSON.stringify({ 'my-shop': 'file-session-key-2' }));
    await eventually(async () => {
      try {
        await rdcIdentificationCaseUpdate(top, caseUpdate, { session: 'file-session-key-2' });
        return true;
      } catch {
        return undefined;
      }
    }, 'refreshed key accepted', 10_000);
  });

  it('refuses a broken file at start-up, naming the file and not its content', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'sandbox-sessions-')), 'sessions.json');
    writeFileSync(broken, JSON.stringify({ 'my-shop': '' }));
    const failing = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src/sandbox/main.ts')], {
      env: { ...process.env, TOP_SANDBOX_PORT: '0', TOP_SESSIONS_FILE: broken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    failing.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(failing, 'exit');
    assert.equal(code, 2);
    assert.match(stderr, /TOP_SESSIONS_FILE .*sessions\.json must map seller → session key \(problem at "my-shop"\)/);
  });
});
