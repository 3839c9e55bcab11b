import type { Ending } from './inbox';

/**
 * The note a closing carries to TOP (the case's `operate_tips`, the closing event's `result_msg`): the
 * result message, or why the work order ended. Fitted to each field's length where the request is composed.
 */
export function closingNote(ending: Ending): string {
  if (ending.kind === 'completed') return ending.completion.resultMessage;
  return ending.kind === 'cancelled' ? `工单已取消: ${ending.reason}` : '工单超时关闭';
}
