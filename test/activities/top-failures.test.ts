import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toRetryDecision } from '../../src/activities/top-failures';
import { SessionNotFoundError } from '../../src/activities/sessions';
import { TopError, TopInputError } from '../../src/top';
import { readStepFailureDetails } from '../../src/work-order/failures';

const gatewayError = (classification: TopError['classification'], extra: Partial<ConstructorParameters<typeof TopError>[0]> = {}) =>
  new TopError({ method: 'taobao.bcpush.isv.event.emit', source: 'gateway', classification, code: 15, subCode: 'isp.unknown-error', msg: 'Remote service error', ...extra });

function decided(error: unknown): ApplicationFailure {
  const decision = toRetryDecision(error);
  assert.ok(decision instanceof ApplicationFailure);
  return decision;
}

describe('the retry decision for TOP errors', () => {
  it('retries transient trouble with the workflow backoff', () => {
    const failure = decided(gatewayError('transient'));
    assert.equal(failure.type, 'TopError:transient');
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, undefined);
  });

  it('retries a ban after it ends, spread by up to half the ban (at least a second)', () => {
    const delays = Array.from({ length: 200 }, () => Number(decided(gatewayError('rate-limited', { code: 7, retryAfterMs: 6_000 })).nextRetryDelay));
    assert.ok(delays.every((ms) => ms >= 6_000 && ms < 9_000), `delays from ${Math.min(...delays)} to ${Math.max(...delays)}`);
    assert.ok(new Set(delays).size > 1, 'not all at the same instant');
    const short = Number(decided(gatewayError('rate-limited', { code: 7, retryAfterMs: 500 })).nextRetryDelay);
    assert.ok(short >= 500 && short < 1_500);
  });

  for (const classification of ['business', 'authorization', 'configuration'] as const) {
    it(`does not retry a ${classification} error, and keeps TOP's code for the status`, () => {
      const failure = decided(gatewayError(classification, { code: 40, subCode: 'isv.invalid-parameter' }));
      assert.equal(failure.type, `TopError:${classification}`);
      assert.equal(failure.nonRetryable, true);
      assert.deepEqual(readStepFailureDetails(failure.details), { classification, code: 40, subCode: 'isv.invalid-parameter' });
    });
  }

  it('does not retry a seller without a session key, naming the seller and no key', () => {
    const failure = decided(new SessionNotFoundError('seller-z'));
    assert.equal(failure.type, 'TopError:authorization');
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [{ classification: 'authorization', seller: 'seller-z' }]);
  });

  it('does not retry input TOP would refuse, with what is wrong with each field', () => {
    const failure = decided(new TopInputError('taobao.rdc.aligenius.identification.case.update', ['param.refund_id: must be a decimal string']));
    assert.equal(failure.type, 'TopInputError');
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [{ classification: 'business', method: 'taobao.rdc.aligenius.identification.case.update', issues: ['param.refund_id: must be a decimal string'] }]);
  });

  it('leaves any other error to Temporal as it is', () => {
    const error = new RangeError('a bug');
    assert.equal(toRetryDecision(error), error);
  });
});

describe('reading failure details back in the workflow', () => {
  it('takes only well-typed fields, whatever older code or other SDKs recorded', () => {
    assert.deepEqual(readStepFailureDetails([{ classification: 'business', code: '40', subCode: 7, extra: true }]), { classification: 'business', code: '40', subCode: undefined });
    assert.deepEqual(readStepFailureDetails(['text']), {});
    assert.deepEqual(readStepFailureDetails(undefined), {});
    assert.deepEqual(readStepFailureDetails(null), {});
  });
});
