/**
 * The baselines' activities, named like the product's: each makes the same TOP call the product makes, as
 * one signed form POSTed with bare undici to the gateway (TOP_GATEWAY_URL), with nothing around it: no
 * validation, pacing, ban gate, span, metric or error mapping. So a benchmark's ratio measures what the product
 * adds, not the HTTP work both must do. Without TOP_GATEWAY_URL they do nothing.
 */
import { Context } from '@temporalio/activity';
import { Pool } from 'undici';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { ALIMI_PROGRESS_NOTIFY, BCPUSH_EVENT_EMIT, formatTopTime, RDC_IDENTIFICATION_CASE_UPDATE, signTopRequest } from '../../src/top';

const gateway = process.env.TOP_GATEWAY_URL ? new URL(process.env.TOP_GATEWAY_URL) : undefined;
const pool = gateway ? new Pool(gateway.origin, { connections: 64 }) : undefined;
const { appKey, appSecret } = SANDBOX_DEFAULTS;
/** seller-a's session key in the sandbox. */
const SESSION = Object.keys(SANDBOX_DEFAULTS.sessions)[0]!;

async function call(method: string, business: Record<string, string>, session?: string): Promise<void> {
  if (!pool || !gateway) return;
  const params: Record<string, string> = { method, app_key: appKey, timestamp: formatTopTime(Date.now()), format: 'json', v: '2.0', sign_method: 'md5', ...business };
  if (session) params.session = session;
  params.sign = signTopRequest(params, appSecret, 'md5');
  const response = await pool.request({ path: gateway.pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: new URLSearchParams(params).toString() });
  const text = await response.body.text();
  if (response.statusCode !== 200 || text.includes('"error_response"')) throw new Error(`${method}: ${text}`);
}

const workOrderId = () => Context.current().info.workflowExecution?.workflowId ?? Context.current().info.activityId;

export async function emitWorkOrderEvent(): Promise<void> {
  const id = workOrderId();
  await call(BCPUSH_EVENT_EMIT, { event_id: `${id}:${Context.current().info.activityId}`, work_order_id: id, work_order_status: 'CREATED', ts: String(Date.now()), ctx_data: JSON.stringify({ node: 'created' }) }, SESSION);
}

export async function updateIdentificationCase(): Promise<void> {
  const param = { detail_order_id: 194467217119131, refund_id: 147822831913191, outer_case_id: workOrderId(), operate_type: 1, operate_tips: '创建鉴定工单', occur_time: Math.floor(Date.now() / 1000) };
  await call(RDC_IDENTIFICATION_CASE_UPDATE, { param: JSON.stringify(param) }, SESSION);
}

export async function notifyAliMe(): Promise<void> {
  const command = { async_code: `ac-${workOrderId()}`, work_order_id: workOrderId(), current_node: 'node', completed: false, gmt_time: formatTopTime(Date.now()) };
  await call(ALIMI_PROGRESS_NOTIFY, { work_order_notify_dxm_command: JSON.stringify(command) });
}
