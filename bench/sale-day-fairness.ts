/**
 * Sale day II: one seller's burst under one app quota, with task-queue fairness off and on. The sandbox
 * limits the app to N calls/s (code 7 and a 2 s ban beyond it); the worker's budget is N − 1, as the
 * README advises. Seller "big-shop" starts BIG work orders at once (two TOP calls each to open: the Qianniu
 * event and the first 店小蜜 node); once that backlog is queued, 5 small sellers start SMALL each, and 5
 * buyers of work orders opened beforehand (another seller) are answered: completion → final 店小蜜 call.
 * Reported per case: the small sellers' start → first TOP call p50/p99, the final notifications' wait, the
 * big seller's total time, the quota used while busy and the calls refused.
 *
 * With BENCH_WORKFLOW_TASK_SLOTS=n it compares instead, fairness on, the worker's workflow-task slots at the
 * SDK's default (40) and at n, in BENCH_ROUNDS alternating rounds (default 5): bench/results/sale-day-fairness-slots.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { workflowIdFor } from '../src/work-order/temporal-names';
import { openingHops } from './lib/history';
import { percentile, report, table, type Row } from './lib/report';
import { pool, sandboxCalls, setSandboxFaults, startBenchStack, WORKER_ENTRIES } from './lib/stack';

const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 40);
const BIG = Number(process.env.BENCH_BIG ?? 600);
const SMALL = Number(process.env.BENCH_SMALL ?? 6);
const SMALL_SELLERS = ['small-1', 'small-2', 'small-3', 'small-4', 'small-5'];
const BUYERS = 5;
/** A small seller's fair share of the quota (one of the 6 sellers) sends its opening calls in this long. */
const FAIR_SHARE_SECONDS = (SMALL * 2) / ((LIMIT - 1) / (SMALL_SELLERS.length + 1));

interface Case {
  fairness: boolean;
  smallWaitP50: number;
  smallWaitP99: number;
  finalWaitP50: number;
  finalWaitMax: number;
  bigSeconds: number;
  quotaUsedPercent: number;
  refused: number;
  accepted: number;
  /** Where the small sellers' wait went (p50 / p99 ms of each hop, from their histories). */
  smallHops: Record<string, { p50: number; p99: number }>;
}

type Call = Awaited<ReturnType<typeof sandboxCalls>>[number];
const idOf = (call: Call): string | undefined => (call.params.work_order_id as string | undefined) ?? (call.params.work_order_notify_dxm_command as { work_order_id?: string } | undefined)?.work_order_id;

/** One burst; `workflowTaskSlots` unset leaves the worker's workflow-task slots at the product's default. */
async function run(fairness: boolean, workflowTaskSlots?: number): Promise<Case> {
  const stack = await startBenchStack({ fairness });
  const sellers = ['big-shop', 'buyer-shop', ...SMALL_SELLERS];
  const sessionsFile = join(mkdtempSync(join(tmpdir(), 'fairness-sessions-')), 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify(Object.fromEntries(sellers.map((seller) => [seller, `key-of-${seller}`]))));
  for (const seller of sellers) {
    const response = await fetch(`${stack.sandboxUrl}/admin/sessions`, { method: 'POST', body: JSON.stringify({ session: `key-of-${seller}`, seller }) });
    if (!response.ok) throw new Error(await response.text());
  }
  const taskQueue = `fairness-${fairness ? 'on' : 'off'}-${Date.now().toString(36)}`;
  const worker = await stack.startWorker(WORKER_ENTRIES.ours, taskQueue, { TOP_CALLS_PER_SECOND: String(LIMIT - 1), TOP_SESSIONS_FILE: sessionsFile,
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: workflowTaskSlots === undefined ? '' : String(workflowTaskSlots),
  });
  const workOrders = stack.workOrders(taskQueue);
  const order = (id: string, seller: string) => ({ workOrderId: id, seller, alime: { asyncCode: `ac-${id}` } });
  try {
    // The buyers' work orders are open before the burst.
    const buyers = Array.from({ length: BUYERS }, (_, i) => `${taskQueue}-buyer-${i}`);
    await pool(buyers, BUYERS, async (id) => void (await workOrders.start(order(id, 'buyer-shop'))));
    while ((await stack.client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkOrderStatus = "open"`)).count < BUYERS) await sleep(200);
    await setSandboxFaults(stack.sandboxUrl, { rateLimit: { callsPerSecond: LIMIT, banSeconds: 2, window: 'fixed' } });
    await sleep(1_100);

    const burstAt = Date.now();
    const big = Array.from({ length: BIG }, (_, i) => `${taskQueue}-big-${i}`);
    await pool(big, 100, async (id) => void (await workOrders.start(order(id, 'big-shop'))));
    await sleep(3_000); // the backlog is queued on the server
    const smallStarted = new Map<string, number>();
    const small = SMALL_SELLERS.flatMap((seller) => Array.from({ length: SMALL }, (_, i) => ({ id: `${taskQueue}-${seller}-${i}`, seller })));
    const completedAt = new Map<string, number>();
    await Promise.all([
      pool(small, small.length, async ({ id, seller }) => {
        smallStarted.set(id, Date.now());
        await workOrders.start(order(id, seller));
      }),
      pool(buyers, BUYERS, async (id) => {
        completedAt.set(id, Date.now());
        await workOrders.complete(id, { resultMessage: 'done' });
      }),
    ]);
    // Every opening call made: the big seller's and the small sellers' two each, the buyers' final ones.
    const expected = (BIG + small.length) * 2;
    let calls: Call[] = [];
    for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; await sleep(1_000)) {
      calls = (await sandboxCalls(stack.sandboxUrl)).filter((call) => call.receivedAt >= burstAt);
      const opening = calls.filter((call) => call.outcome === 'ok' && !idOf(call)?.includes('-buyer-'));
      if (opening.length >= expected) break;
    }
    const ok = calls.filter((call) => call.outcome === 'ok');
    const firstCall = (id: string) => ok.find((call) => idOf(call) === id)?.receivedAt;
    const smallWaits = small.map(({ id }) => (firstCall(id) ?? Number.NaN) - smallStarted.get(id)!).sort((a, b) => a - b);
    const hops = await Promise.all(small.map(async ({ id }) => ({ id, hops: openingHops(await stack.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()) })));
    const spread = (values: number[]) => {
      const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    };
    const smallHops = {
      'client start → started': spread(hops.map(({ id, hops }) => (hops?.startedAt ?? Number.NaN) - smallStarted.get(id)!)),
      'first workflow task, schedule → start': spread(hops.map(({ hops }) => hops?.firstWorkflowTaskScheduleToStart ?? Number.NaN)),
      'first workflow task, execution': spread(hops.map(({ hops }) => hops?.firstWorkflowTaskExecution ?? Number.NaN)),
      'first call, schedule → start': spread(hops.map(({ hops }) => hops?.firstActivityScheduleToStart ?? Number.NaN)),
      'first call, start → TOP': spread(hops.map(({ id, hops }) => (firstCall(id) ?? Number.NaN) - (hops?.firstActivityStartedAt ?? Number.NaN))),
    };
    const finalWaits = buyers
      .map((id) => (ok.find((call) => idOf(call) === id && (call.params.work_order_notify_dxm_command as { completed?: boolean }).completed)?.receivedAt ?? Number.NaN) - completedAt.get(id)!)
      .sort((a, b) => a - b);
    const bigCalls = ok.filter((call) => idOf(call)?.includes('-big-'));
    const bigSeconds = (Math.max(...bigCalls.map((call) => call.receivedAt)) - burstAt) / 1000;
    // Accepted calls per second while busy: whole seconds from the first call, less the first and the last.
    const perSecond: number[] = [];
    for (const call of ok) perSecond[Math.floor((call.receivedAt - ok[0]!.receivedAt) / 1000)] = (perSecond[Math.floor((call.receivedAt - ok[0]!.receivedAt) / 1000)] ?? 0) + 1;
    const busy = Array.from(perSecond, (n) => n ?? 0).slice(1, -1).sort((a, b) => a - b);
    const result: Case = {
      fairness,
      smallWaitP50: percentile(smallWaits, 50) / 1000,
      smallWaitP99: percentile(smallWaits, 99) / 1000,
      finalWaitP50: percentile(finalWaits, 50) / 1000,
      finalWaitMax: finalWaits.at(-1)! / 1000,
      bigSeconds,
      quotaUsedPercent: (100 * percentile(busy, 50)) / LIMIT,
      refused: calls.filter((call) => call.outcome === 'rate-limited').length,
      accepted: ok.length,
      smallHops,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await worker.stop();
    await stack.stop();
  }
}

/** The SDK's default of workflow-task slots (the product's own until 1.0.0). */
const SDK_WORKFLOW_TASK_SLOTS = 40;

/** Fairness on, the SDK's default workflow-task slots against `slots`, alternating round by round. */
async function compareWorkflowTaskSlots(slots: number, rounds: number): Promise<void> {
  const variants = [SDK_WORKFLOW_TASK_SLOTS, slots];
  const label = (variant: number) => (variant === SDK_WORKFLOW_TASK_SLOTS ? `the SDK's default (${variant})` : String(variant));
  const runs: { slots: string; result: Case }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) runs.push({ slots: label(variant), result: await run(true, variant) });
  }
  const rows: Row[] = variants.map((variant) => {
    const cases = runs.filter((r) => r.slots === label(variant)).map((r) => r.result);
    const sorted = (pick: (c: Case) => number) => cases.map(pick).sort((a, b) => a - b);
    const p99s = sorted((c) => c.smallWaitP99);
    return {
      'workflow-task slots': label(variant),
      runs: cases.length,
      'small sellers p99 s, median': percentile(p99s, 50),
      'lowest s': p99s[0]!,
      'highest s': p99s.at(-1)!,
      '÷ fair share': percentile(p99s, 50) / FAIR_SHARE_SECONDS,
      'small sellers p50 s, median': percentile(sorted((c) => c.smallWaitP50), 50),
      'final 店小蜜 max s, median': percentile(sorted((c) => c.finalWaitMax), 50),
      'big seller total s, median': percentile(sorted((c) => c.bigSeconds), 50),
      'quota used %, lowest': sorted((c) => c.quotaUsedPercent)[0]!,
      'refused, most': sorted((c) => c.refused).at(-1)!,
    };
  });
  report('sale-day-fairness-slots', `Sale day II, fairness on: the worker's workflow-task slots at the SDK's default and at ${slots}, ${rounds} alternating rounds`, rows, {
    note: `The burst of sale-day-fairness (${BIG} work orders of one seller, then ${SMALL_SELLERS.length} sellers × ${SMALL}, quota ${LIMIT} calls/s). Medians of the runs' figures; a small seller's fair share sends its ${SMALL * 2} opening calls in ${FAIR_SHARE_SECONDS.toFixed(2)} s (the target: p99 ≤ 1.5× that). Fewer slots keep more of the burst's new workflows on the server, where fairness applies; the price is in reports to evicted work orders (docs/flow-control.md).`,
    runs,
  });
}

async function main(): Promise<void> {
  const slots = process.env.BENCH_WORKFLOW_TASK_SLOTS;
  if (slots) return await compareWorkflowTaskSlots(Number(slots), Number(process.env.BENCH_ROUNDS ?? 5));
  const only = process.env.BENCH_FAIRNESS; // 'on' or 'off' to run one case while investigating
  const cases = [only === 'on' ? undefined : await run(false), only === 'off' ? undefined : await run(true)].filter((c) => c !== undefined);
  if (cases.length < 2) return;
  const [off, on] = cases as [Case, Case];
  const rows: Row[] = cases.map((c) => ({
    fairness: c.fairness ? 'on' : 'off',
    'small sellers: start → first call p50 s': c.smallWaitP50,
    'p99 s': c.smallWaitP99,
    'final 店小蜜 call after completion p50 s': c.finalWaitP50,
    'max s': c.finalWaitMax,
    'big seller total s': c.bigSeconds,
    'quota used while busy %': c.quotaUsedPercent,
    'refused / accepted %': (100 * c.refused) / c.accepted,
  }));
  const hops = table(
    Object.keys(on.smallHops).map((hop) => ({
      'small sellers’ wait, hop by hop (from their histories)': hop,
      'off p50 ms': off.smallHops[hop]!.p50,
      'off p99 ms': off.smallHops[hop]!.p99,
      'on p50 ms': on.smallHops[hop]!.p50,
      'on p99 ms': on.smallHops[hop]!.p99,
    })),
  );
  report('sale-day-fairness', `Sale day II: ${BIG} work orders of one seller at once, then ${SMALL_SELLERS.length} sellers × ${SMALL}, app quota N = ${LIMIT} calls/s, 2 s bans`, rows, {
    note: `One worker, budget N − 1, its slots by default (activities: half a second of budget; workflow tasks: 8). Each work order opens with two TOP calls (Qianniu event, first 店小蜜 node). The small sellers start 3 s into the burst; ${BUYERS} buyers' work orders opened beforehand are completed at the same moment. A small seller's fair share of the quota (${SMALL_SELLERS.length + 1} sellers) sends its ${SMALL * 2} opening calls in about ${FAIR_SHARE_SECONDS.toFixed(1)} s. Fairness on against off: small sellers' p99 ${(on.smallWaitP99 / off.smallWaitP99).toFixed(2)}×, big seller's total time ${(on.bigSeconds / off.bigSeconds).toFixed(2)}×. Targets: small sellers' p99 ≤ 5 s and ≤ 1.5× their fair share; final notification ≤ 2 s; big seller ≤ 1.1×; quota used ≥ 95%, refused ≤ 1%.`,
    hops: `${hops}\n\nA work order's first TOP call waits in two fairly shared queues in turn: its workflow's first task (for the worker's workflow-task slots, which the big seller's 600 new workflows keep busy) and the call itself (for the quota: a seller's share sends its 6 first calls in ${(SMALL / ((LIMIT - 1) / (SMALL_SELLERS.length + 1))).toFixed(1)} s); then up to half a second in the worker's pacer, the calls it holds.`,
    runs: cases,
  });
}

void main();
