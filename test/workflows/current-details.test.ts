import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beijingTime } from '../../src/work-order/beijing-time';
import { currentDetails } from '../../src/workflows/current-details';
import type { WorkOrderView } from '../../src/work-order/view';

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
