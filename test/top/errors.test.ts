import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyBusinessResult, classifyGatewayError, classifyHttpStatus } from '../../src/top/errors';

describe('TOP error classification', () => {
  const cases: [number, string | undefined, string][] = [
    [10, undefined, 'transient'],
    [15, 'isp.top-remote-connection-error', 'transient'],
    [50, 'isp.unknown-error', 'transient'],
    [15, 'isv.invalid-parameter', 'business'],
    [50, 'isv.invalid-parameter', 'business'],
    [11, undefined, 'configuration'],
    [12, undefined, 'authorization'],
    [21, undefined, 'configuration'],
    [25, undefined, 'configuration'],
    [26, undefined, 'authorization'],
    [27, 'invalid-sessionkey', 'authorization'],
    [27, 'session-expired', 'authorization'],
    [29, undefined, 'configuration'],
    [31, undefined, 'configuration'],
    [40, undefined, 'business'],
    [41, 'isv.invalid-parameter', 'business'],
    [47, undefined, 'configuration'],
  ];
  for (const [code, subCode, expected] of cases) {
    it(`code ${code}${subCode ? ` / ${subCode}` : ''} is ${expected}`, () => {
      assert.equal(classifyGatewayError(code, subCode).classification, expected);
    });
  }

  it('code 7 is rate-limited with the wait read from sub_msg', () => {
    assert.deepEqual(classifyGatewayError(7, 'accesscontrol.limited-by-app-access-count', 'This ban will last for 41 more seconds'), {
      classification: 'rate-limited',
      retryAfterMs: 41_000,
    });
  });

  it('code 7 without a stated ban still waits before the next try', () => {
    const result = classifyGatewayError(7, 'accesscontrol.limited-by-api-access-count');
    assert.equal(result.classification, 'rate-limited');
    assert.ok((result.retryAfterMs ?? 0) > 0);
  });

  it('HTTP statuses: 5xx and 429 transient, other 4xx configuration', () => {
    assert.equal(classifyHttpStatus(502), 'transient');
    assert.equal(classifyHttpStatus(429), 'transient');
    assert.equal(classifyHttpStatus(404), 'configuration');
  });

  it('business results fail permanently unless the code is isp.*', () => {
    assert.equal(classifyBusinessResult('isv.case-rejected'), 'business');
    assert.equal(classifyBusinessResult(1001), 'business');
    assert.equal(classifyBusinessResult(undefined), 'business');
    assert.equal(classifyBusinessResult('isp.remote-service-timeout'), 'transient');
  });
});
