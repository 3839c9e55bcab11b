import type { CompletionRaw, ProgressReportRaw, WorkOrderInputRaw } from '../../src/work-order/schemas';

/** A sample work order and the script a backend service would follow for it. */
export interface Sample {
  title: string;
  input: WorkOrderInputRaw;
  progress: ProgressReportRaw[];
  end: { complete: CompletionRaw } | { cancel: { reason: string } };
  /** Make the sandbox fail some of this work order's calls with isp errors. */
  flaky?: boolean;
}

export function demoSamples(runTag: string): Sample[] {
  const id = (n: number) => `DEMO-${runTag}-${n}`;
  return [
    {
      title: 'identification case with AliMe, completed',
      input: {
        workOrderId: id(1),
        seller: 'seller-a',
        bizOrderId: '4012345678901234567',
        workOrderType: 'IDENTIFY',
        description: '买家申请商品鉴定',
        identification: { detailOrderId: '194467217119131', refundId: '9223372036854775807' },
        alime: { asyncCode: `ac-${id(1)}`, firstNode: 'accepted' },
      },
      progress: [
        { progressId: 'p1', node: 'inspecting', data: { inspector: '鉴定师A' } },
        { progressId: 'p2', node: 'inspected', data: { verdict: 'genuine' } },
      ],
      end: { complete: { resultMessage: '鉴定为正品，已处理退款', finalNode: 'finished' } },
    },
    {
      title: 'AliMe only (no case), completed',
      input: { workOrderId: id(2), seller: 'seller-b', bizOrderId: '3981234567890123', alime: { asyncCode: `ac-${id(2)}`, firstNode: 'received' } },
      progress: [{ progressId: 'p1', node: 'replied', data: { channel: 'qianniu' } }],
      end: { complete: { resultMessage: '已回复买家' } },
    },
    {
      title: 'identification case, cancelled by the buyer',
      input: { workOrderId: id(3), seller: 'seller-a', identification: { detailOrderId: '194467217119132', refundId: '147822831913191' } },
      progress: [{ progressId: 'p1', node: 'waiting-for-goods' }],
      end: { cancel: { reason: '买家撤销鉴定申请' } },
    },
    {
      title: 'full work order through transient TOP faults (isp errors), completed',
      input: {
        workOrderId: id(4),
        seller: 'seller-b',
        identification: { detailOrderId: '194467217119133', refundId: '147822831913192' },
        alime: { asyncCode: `ac-${id(4)}` },
      },
      progress: [{ progressId: 'p1', node: 'inspecting' }],
      end: { complete: { resultMessage: '鉴定完成' } },
      flaky: true,
    },
  ];
}
