import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSandbox } from '../helpers/sandbox';

describe('the sandbox admin endpoint beyond loopback', async () => {
  const sandbox = await startSandbox({ adminToken: 'admin-token-for-this-test-0001' });

  it('answers only its token: no one else on the network changes what the sandbox answers', async () => {
    const put = (authorization?: string) =>
      fetch(`${sandbox.url}/admin/faults`, { method: 'PUT', headers: authorization ? { authorization } : {}, body: JSON.stringify({ ispErrorRate: 1 }) });
    assert.equal((await put()).status, 401);
    assert.equal((await put('Bearer admin-token-for-this-test-0002')).status, 401);
    assert.equal(sandbox.faults.ispErrorRate, 0);
    assert.equal((await put('Bearer admin-token-for-this-test-0001')).status, 200);
    assert.equal(sandbox.faults.ispErrorRate, 1);
  });
});
