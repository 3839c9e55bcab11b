import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { mayHaveReachedTop } from '../../src/workflows/step-failure';
import { TopClock } from '../../src/workflows/top-clock';

describe("the work order's TOP clock", () => {
  it('never sends a time earlier than one already sent, when workflow time steps back between hosts', () => {
    const clock = new TopClock();
    // Report A received at 10:00:05 on one history host; report B at 10:00:03 on a host whose clock is behind.
    const a = Date.parse('2026-11-11T10:00:05+08:00');
    const b = Date.parse('2026-11-11T10:00:03+08:00');
    const sent = [clock.stamp(a), clock.stamp(b), clock.stamp(b + 5_000)];
    assert.deepEqual(sent, [a, a, b + 5_000]);
    assert.equal(clock.last, b + 5_000);
  });

  it('goes on from the time a continued run carried', () => {
    const carried = Date.parse('2026-11-11T10:00:05+08:00');
    assert.equal(new TopClock(carried).stamp(carried - 60_000), carried);
  });
});

describe('whether a failed step may have reached TOP', () => {
  const failed = (cause: Error) => new ActivityFailure('activity failed', 'updateIdentificationCase', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, cause);

  it("no, for TOP's definite refusal (a non-retryable failure)", () => {
    assert.equal(mayHaveReachedTop(failed(ApplicationFailure.create({ type: 'TopError:business', message: 'refused', nonRetryable: true }))), false);
  });

  it('yes, for a step that ran out of time or of retries on transient trouble', () => {
    assert.equal(mayHaveReachedTop(failed(new TimeoutFailure('timed out', undefined, 'SCHEDULE_TO_CLOSE'))), true);
    assert.equal(mayHaveReachedTop(failed(ApplicationFailure.create({ type: 'TopError:transient', message: 'isp error', nonRetryable: false }))), true);
  });
});
