/**
 * A fuzz run through the published contract, as a backend on another SDK would drive it (the raw Temporal
 * client, never ours): malformed and extreme starts, Updates and signals. The worker survives all of them,
 * and every work order is either refused with a message naming a field, or closes on TOP.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowIdFor } from '../../src/client';
import { startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const WORK_ORDERS = Number(process.env.FUZZ_WORK_ORDERS ?? 24);

const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', '鉴', '😀', '\ud800', '\udc00', ' ', '"', '\\', '\u0000'), maxLength: 12 }),
  fc.constantFrom('', '   ', 'x'.repeat(501), '鉴'.repeat(2001), '\ud800'.repeat(3)),
);
const anything = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
/** A start as a backend might send it: the contract's shape, or with fields hostile or of the wrong type. */
const validStart = fc.record(
  {
    seller: fc.constantFrom('seller-a', 'seller-b'),
    identification: fc.constant({ detailOrderId: '194467217119131', refundId: '9223372036854775807', openTips: '鉴'.repeat(500) }),
    alime: fc.constant({ asyncCode: 'ac-fuzz', firstNode: 'accepted' }),
    sla: fc.constant({ within: '365d', onBreach: 'close' }),
  },
  { requiredKeys: ['seller'] },
);
const hostileStart = fc.record({
  seller: fc.oneof({ weight: 3, arbitrary: fc.constant('seller-a') }, anything),
  bizOrderId: fc.option(fc.oneof(fc.constant('4012345678901234567'), fc.constant(Number("4012345678901234567")), fc.constant('99999999999999999999'), anything), { nil: undefined }),
  description: fc.option(anything, { nil: undefined }),
  identification: fc.option(fc.oneof({ weight: 3, arbitrary: fc.constant({ detailOrderId: '194467217119131', refundId: '9223372036854775807' }) }, fc.record({ detailOrderId: fc.oneof(fc.constant('!'), anything), refundId: anything })), { nil: undefined }),
  alime: fc.option(fc.record({ asyncCode: fc.oneof({ weight: 3, arbitrary: fc.constant('ac-fuzz') }, anything), firstNode: fc.option(anything, { nil: undefined }) }), { nil: undefined }),
  sla: fc.option(fc.record({ within: fc.oneof(fc.constant('48h'), fc.constant('9999999999 weeks'), fc.constant('soon'), fc.constant(Number.MAX_SAFE_INTEGER), anything) }), { nil: undefined }),
  extra: fc.option(anything, { nil: undefined }),
});
const start = fc.oneof(validStart as fc.Arbitrary<Record<string, unknown>>, hostileStart as fc.Arbitrary<Record<string, unknown>>);
const message = fc.oneof(
  fc.record({ kind: fc.constant('update' as const), payload: fc.record({ progressId: fc.oneof(fc.constant('p'), hostileText), node: fc.oneof(fc.constant('inspecting'), anything) }) }),
  fc.record({ kind: fc.constant('progress' as const), payload: fc.oneof(fc.record({ progressId: hostileText, node: anything }), anything) }),
  fc.record({ kind: fc.constant('complete' as const), payload: fc.oneof(fc.record({ resultMessage: anything }), anything) }),
  fc.record({ kind: fc.constant('cancel' as const), payload: fc.oneof(fc.record({ reason: anything }), anything) }),
  fc.record({ kind: fc.constant('skip' as const), payload: anything }),
);

describe('fuzz through the contract: refused naming a field, or closed on TOP; the worker survives', async () => {
  const { client, env, config, sandbox } = await startStack();

  it(`${WORK_ORDERS} hostile work orders`, async () => {
    const outcomes = { closed: 0, refused: 0 };
    const cases = fc.sample(fc.tuple(start, fc.array(message, { maxLength: 4 })), { numRuns: WORK_ORDERS, seed: Number(process.env.FUZZ_SEED ?? 20261206) });
    await Promise.all(
      cases.map(async ([raw, messages], n) => {
        const workOrderId = newWorkOrderId(`WO-FUZZ-${n}`);
        const { extra, ...fields } = raw as typeof raw & { extra?: unknown };
        const input = { workOrderId, ...fields, ...(extra === undefined ? {} : { extra }) };
        const handle = await env.client.workflow.start('workOrderWorkflow', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: workflowIdFor(workOrderId), args: [input] });
        for (const { kind, payload } of messages) {
          // A refused Update, a signal to a closed work order: answers the contract allows, not failures here.
          if (kind === 'update') await handle.executeUpdate('reportProgress', { args: [payload], updateId: `u-${JSON.stringify(payload).length}-${Math.random()}` }).catch(() => undefined);
          else await handle.signal(kind, payload).catch(() => undefined);
        }
        // Then what a backend does to close it: cancellation wins if nothing else ended it.
        await handle.signal('cancel', { reason: 'fuzz over' }).catch(() => undefined);
        try {
          const view = (await handle.result()) as { status: string; onTop: { createdEvent: string; case: string } };
          assert.ok(['completed', 'cancelled', 'timed-out'].includes(view.status), `${workOrderId}: ${view.status}`);
          const calls = callsFor(sandbox, workOrderId).map(describeCall);
          if (view.onTop.createdEvent !== 'no') assert.ok(calls.includes(`emit:${view.status}`), `${workOrderId} closed on Qianniu: ${calls.join(' ')}`);
          if (view.onTop.case !== 'no') assert.ok(calls.includes('case:2'), `${workOrderId} closed its case: ${calls.join(' ')}`);
          outcomes.closed += 1;
        } catch (error) {
          assert.ok(error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure, `${workOrderId}: ${String(error)}`);
          assert.equal(error.cause.type, 'InvalidInputError');
          assert.match(error.cause.message, /^invalid work order: \S+: /, 'names a field');
          assert.deepEqual(callsFor(sandbox, workOrderId, undefined), [], 'nothing reached TOP');
          outcomes.refused += 1;
        }
      }),
    );
    assert.ok(outcomes.closed > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
    // And the worker still runs work orders.
    const after = newWorkOrderId('WO-FUZZ-AFTER');
    await client.start(fullWorkOrder(after));
    await client.complete(after, { resultMessage: 'done' });
    assert.equal((await client.result(after)).status, 'completed');
  });
});
