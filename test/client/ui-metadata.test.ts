import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uiDetails, uiSummary } from '../../src/client/ui-metadata';
import { defineWorkOrderSchemas, parseOrThrow } from '../../src/work-order/schemas';
import { fullWorkOrder } from '../helpers/work-orders';

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
