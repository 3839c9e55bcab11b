import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beijingTime } from '../../src/work-order/beijing-time';
import { currentDetails } from '../../src/workflows/current-details';
import type { WorkOrderView } from '../../src/work-order/view';
import { uiDetails, uiSummary } from '../../src/client/ui-metadata';
import { defineWorkOrderSchemas, parseOrThrow } from '../../src/work-order/schemas';
import { fullWorkOrder } from '../helpers/work-orders';

const view = (extra: Partial<WorkOrderView> = {}): WorkOrderView => ({
  workOrderId: 'WO-1',
  seller: 'seller-a',
  status: 'open',
  createdAt: '2026-11-22T08:00:00.000Z',
  currentNode: 'inspecting',
  waitingFor: 'progress or completion',
  steps: [
    { step: 'emit-created-event', at: '2026-11-22T08:00:00.000Z', outcome: 'ok' },
    { step: 'notify-node', node: 'accepted', at: '2026-11-22T08:00:01.000Z', outcome: 'ok' },
  ],
  stepCount: 2,
  onTop: { createdEvent: 'yes', case: 'no' },
  progressReceived: 0,
  progressPending: 0,
  rejectedMessages: 0,
  ...extra,
});

describe('current details: the work order in business terms for the Temporal UI', () => {
  it('reads times in Beijing time, the zone written out, across midnight too', () => {
    assert.equal(beijingTime('2026-11-22T16:30:05.123Z'), '2026-11-23 00:30:05 (UTC+8)');
    assert.equal(beijingTime(Date.UTC(2026, 0, 1, 0, 0, 0)), '2026-01-01 08:00:00 (UTC+8)');
  });

  it('names the status, the node, what it waits for, and each step in order', () => {
    const text = currentDetails(view());
    assert.match(text, /^\*\*Work order WO-1\*\*: open, at node \*\*inspecting\*\*$/m);
    assert.match(text, /^Waiting for: progress or completion$/m);
    assert.match(text, /^Steps \(2\):$/m);
    assert.match(text, /^1\. ✓ Qianniu: work order created — 2026-11-22 16:00:00 \(UTC\+8\)\n2\. ✓ 店小蜜: reached node accepted — /m);
  });

  it('shows a failed step with its reason, and the last error while the work order waits for an operator', () => {
    const failure = { type: 'TopError:authorization', message: 'session expired', classification: 'authorization' };
    const text = currentDetails(
      view({
        status: 'failed',
        steps: [{ step: 'open-case', at: '2026-11-22T08:00:02.000Z', outcome: 'failed', failure }],
        stepCount: 1,
        lastError: { ...failure, step: 'open-case', at: '2026-11-22T08:00:02.000Z' },
      }),
    );
    assert.match(text, /^1\. ✗ AliGenius: identification case opened failed — 2026-11-22 16:00:02 \(UTC\+8\): session expired$/m);
    assert.match(text, /^Last error \(open-case\): session expired$/m);
  });

  it('says when older steps were dropped, and shows the SLA and escalation', () => {
    const text = currentDetails(view({ stepCount: 60, slaDeadline: '2026-11-23T08:00:00.000Z', escalatedAt: '2026-11-23T08:00:01.000Z', status: 'escalated' }));
    assert.match(text, /^Steps \(last 2 of 60\):$/m);
    assert.match(text, /^SLA deadline: 2026-11-23 16:00:00 \(UTC\+8\), escalated 2026-11-23 16:00:01 \(UTC\+8\)$/m);
  });

  it("shows a step an operator skipped, with the operator's reason", () => {
    const text = currentDetails(
      view({ steps: [{ step: 'close-case', at: '2026-11-22T09:00:00.000Z', outcome: 'skipped', skipReason: 'completed by hand' }], stepCount: 1 }),
    );
    assert.match(text, /^1\. ↷ AliGenius: identification case completed skipped by an operator — 2026-11-22 17:00:00 \(UTC\+8\): completed by hand$/m);
  });
});

describe('the summary and details a work order starts with in the Temporal UI', () => {
  const input = parseOrThrow(defineWorkOrderSchemas().workOrderInput, fullWorkOrder('WO-UI-1', { sla: { within: '48h', onBreach: 'close' } }), 'work order');

  it('names the work order, the seller and the order in the summary', () => {
    assert.equal(uiSummary(input), 'Work order WO-UI-1 · seller seller-a · order 4012345678901234567');
    assert.equal(uiSummary({ ...input, bizOrderId: undefined }), 'Work order WO-UI-1 · seller seller-a');
  });

  it('says what it carries on TOP in the details, and nothing of the buyer', () => {
    const details = uiDetails(input);
    assert.match(details, /^- AliGenius identification case: WO-UI-1 \(order line 194467217119131, refund 9223372036854775807\)$/m);
    assert.match(details, /^- 店小蜜: async code ac-WO-UI-1, first node accepted$/m);
    assert.match(details, /^- SLA: within 48h, then close as timed out$/m);
    assert.doesNotMatch(details, /tb-buyer-nick|AAHm5d/);
    const bare = uiDetails({ ...input, identification: undefined, alime: undefined, sla: undefined });
    assert.match(bare, /identification case: none\n- 店小蜜: not involved\n- SLA: none$/);
  });
});
