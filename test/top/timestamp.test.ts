import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTopTime, alimiProgressNotify, parseTopTime } from '../../src/top';
import { sandboxClient, startSandbox } from '../helpers/sandbox';

// 2024-01-01 16:30:05 UTC is 2024-01-02 00:30:05 in GMT+8: the date changes too.
const INSTANT = Date.UTC(2024, 0, 1, 16, 30, 5);

describe('TOP timestamps are GMT+8 whatever the host time zone', () => {
  for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']) {
    it(`formats and is accepted by the gateway under TZ=${zone}`, async () => {
      const previous = process.env.TZ;
      process.env.TZ = zone; // Node re-reads TZ when it is assigned.
      try {
        const expectedOffset = { UTC: 0, 'America/Los_Angeles': 480, 'Asia/Shanghai': -480 }[zone];
        assert.equal(new Date(INSTANT).getTimezoneOffset(), expectedOffset, 'the host zone really changed');
        assert.equal(formatTopTime(INSTANT), '2024-01-02 00:30:05');
        assert.equal(parseTopTime('2024-01-02 00:30:05'), INSTANT);

        const sandbox = await startSandbox();
        const client = sandboxClient(sandbox);
        await alimiProgressNotify(client, {
          work_order_notify_dxm_command: { async_code: 'tz-check', gmt_time: new Date(), completed: false, work_order_id: 'WO-TZ' },
        });
        assert.equal(sandbox.calls({ outcome: 'ok' }).length, 1);
      } finally {
        process.env.TZ = previous;
      }
    });
  }

  it('reads epoch milliseconds too, and rejects impossible dates', () => {
    assert.equal(parseTopTime(String(INSTANT)), INSTANT);
    assert.equal(parseTopTime('2024-02-30 00:00:00'), undefined);
    assert.equal(parseTopTime('2024-01-02T00:30:05'), undefined);
  });
});
