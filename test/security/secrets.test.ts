/**
 * Runs work orders through every kind of path — success, business refusal, expired and unknown sessions,
 * transient faults — and then looks for the app secret and every session key in every workflow history,
 * every log line (at DEBUG) and every error the client saw. There must be none.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { DEFAULT_SESSIONS, eventually, startStack } from '../helpers/stack';
import { installQuietRuntime } from '../helpers/temporal';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const logLines: string[] = [];
installQuietRuntime(new DefaultLogger('DEBUG', (entry) => logLines.push(`${entry.level} ${entry.message} ${inspect(entry.meta, { depth: 6 })}`)));
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    logLines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' '));
    original(...args);
  };
}

describe('no secret in any history, log line or error', async () => {
  const EXPIRED = 'expired-session-key-777777';
  const { client, env, sandbox, writeSessions } = await startStack();
  sandbox.setSession(EXPIRED, { seller: 'seller-x', expired: true });
  writeSessions({ ...DEFAULT_SESSIONS, 'seller-x': EXPIRED });
  const secrets = [SANDBOX_DEFAULTS.appSecret, ...Object.values(DEFAULT_SESSIONS), EXPIRED];

  it('scans everything after every kind of path', async () => {
    const errors: unknown[] = [];
    const ok = newWorkOrderId('WO-S-OK');
    const refused = newWorkOrderId('WO-S-BIZ');
    const expired = newWorkOrderId('WO-S-EXP');
    const flaky = newWorkOrderId('WO-S-FLAKY');
    sandbox.setFaults({ businessErrorIds: [refused], flakyIds: [flaky], flakyRate: 0.5 });
    await client.start(fullWorkOrder(ok));
    await client.start(fullWorkOrder(refused));
    await client.start(fullWorkOrder(expired, { seller: 'seller-x' }));
    await client.start(fullWorkOrder(flaky, { seller: 'seller-b' }));
    for (const id of [refused, expired]) await eventually(async () => ((await client.status(id)).status === 'failed' ? true : undefined), `${id} failed`);
    await client.start({ workOrderId: 'bad id' } as never).catch((e: unknown) => errors.push(e));
    await client.status('WO-none').catch((e: unknown) => errors.push(e));
    for (const id of [ok, flaky]) await client.complete(id, { resultMessage: 'done' });
    for (const id of [refused, expired]) await client.cancel(id, { reason: 'test over' });
    sandbox.setFaults({});
    for (const id of [ok, flaky, refused, expired]) await client.result(id);

    const histories: string[] = [];
    for await (const execution of env.client.workflow.list({ query: 'WorkflowType = "workOrderWorkflow"' })) {
      histories.push(JSON.stringify(await env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()));
    }
    assert.equal(histories.length, 4);
    assert.ok(logLines.length > 10, 'logs were captured');
    assert.ok(logLines.some((l) => l.includes('failed permanently')), 'failure logs were captured too');
    const haystack = [...histories, ...logLines, ...errors.map((e) => inspect(e, { depth: 8 }))].join('\n');
    for (const secret of secrets) {
      assert.ok(!haystack.includes(secret), `found a secret (${secret.slice(0, 6)}…)`);
      assert.ok(!haystack.includes(Buffer.from(secret).toString('base64')), `found a secret in base64 (${secret.slice(0, 6)}…)`);
    }
  });
});
