/**
 * Sale day I: many work orders open at once, far beyond the worker's cache, progress reports arriving for
 * any of them at random, on the full Temporal server with PostgreSQL (dev/cluster), the app's TOP quota
 * enforced by the sandbox (code 7 and a 2 s ban beyond it; the worker's budget one call less).
 *
 * OPEN work orders (each with 店小蜜, so each report is one TOP call) across SELLERS sellers, one of them
 * holding a third, are opened; then reports go to work orders chosen at random, at each rate of RATES for
 * STEP_SECONDS, sent at fixed times whatever the answers (an open-loop load). Per rate and worker count:
 * - report → 店小蜜 call latency p50/p99 (the report's Update sent → the sandbox receives its call);
 * - worker CPU per report, and the cache hit rate (the SDK's sticky-cache hits and misses);
 * - Temporal server + PostgreSQL CPU per report; the database's size per open work order.
 * The highest rate whose p99 stays under 2 s is the sustained rate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs, cpuMsWithChildren, freePort, type Child } from '../dev/processes';
import { scrape, type Scrape } from './lib/prometheus';
import { percentile, report, type Row } from './lib/report';
import { pool, sandboxCalls, setSandboxFaults, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const OPEN = Number(process.env.BENCH_OPEN ?? 2_000);
const SELLERS = Number(process.env.BENCH_SELLERS ?? 100);
const CACHE = Number(process.env.BENCH_CACHE ?? 200);
const RATES = (process.env.BENCH_RATES ?? '4,8,16').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 120);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const QUOTA = Number(process.env.BENCH_QUOTA ?? 40);

/** One seller holds a third of the work orders; the others share the rest evenly. */
const sellerOf = (i: number) => (i % 3 === 0 ? 'seller-big' : `seller-${i % SELLERS}`);

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const temporalCpu = (stack: BenchStack) => cpuMs(stack.server.process.pid!) + (stack.database ? cpuMsWithChildren(stack.database.process.pid!) : 0);
const stickyCount = (s: Scrape, name: string) => sum([...s].filter(([key]) => key.startsWith(name)).map(([, value]) => value));

async function main(): Promise<void> {
  const stack = await startBenchStack({ cluster: true });
  const rows: Row[] = [];
  try {
    const sellers = ['seller-big', ...Array.from({ length: SELLERS }, (_, i) => `seller-${i}`)];
    const sessionsFile = join(mkdtempSync(join(tmpdir(), 'sale-day-sessions-')), 'sessions.json');
    writeFileSync(sessionsFile, JSON.stringify(Object.fromEntries(sellers.map((seller) => [seller, `key-of-${seller}`]))));
    await pool(sellers, 16, async (seller) => {
      const response = await fetch(`${stack.sandboxUrl}/admin/sessions`, { method: 'POST', body: JSON.stringify({ session: `key-of-${seller}`, seller }) });
      if (!response.ok) throw new Error(await response.text());
    });
    await setSandboxFaults(stack.sandboxUrl, { rateLimit: { callsPerSecond: QUOTA, banSeconds: 2, window: 'fixed' } });

    for (const workerCount of WORKERS) {
      const taskQueue = `sale-day-${workerCount}w-${Date.now().toString(36)}`;
      const metricsPorts = await Promise.all(Array.from({ length: workerCount }, () => freePort()));
      const workers: Child[] = [];
      for (const [index, port] of metricsPorts.entries()) {
        workers.push(
          await stack.startWorker(WORKER_ENTRIES.ours, taskQueue, {
            WORKER_MAX_CACHED_WORKFLOWS: String(CACHE),
            TOP_CALLS_PER_SECOND: String(QUOTA - 1),
            TOP_WORKER_COUNT: String(workerCount),
            TOP_WORKER_INDEX: String(index),
            TOP_SESSIONS_FILE: sessionsFile,
            WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
          }),
        );
      }
      const workOrders = stack.workOrders(taskQueue);
      try {
        const ids = Array.from({ length: OPEN }, (_, i) => `${taskQueue}-${i}`);
        const openStarted = Date.now();
        const databaseBefore = databaseBytes(stack);
        await pool([...ids.entries()], 50, async ([i, id]) => void (await workOrders.start({ workOrderId: id, seller: sellerOf(i), alime: { asyncCode: `ac-${id}` } })));
        while ((await stack.client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkOrderStatus = "open"`)).count < OPEN) await sleep(1_000);
        const openSeconds = (Date.now() - openStarted) / 1000;
        const bytesPerOpen = (databaseBytes(stack) - databaseBefore) / OPEN;
        console.log(JSON.stringify({ workerCount, opened: OPEN, openSeconds, bytesPerOpen }));

        let seq = 0;
        for (const rate of RATES) {
          const sent = new Map<string, number>();
          const failures: string[] = [];
          const metricsBefore = await Promise.all(metricsPorts.map((port) => scrape(`http://127.0.0.1:${port}/metrics`)));
          const workerCpu0 = sum(workers.map((w) => cpuMs(w.process.pid!)));
          const temporalCpu0 = temporalCpu(stack);
          const stepStarted = Date.now();
          const inFlight: Promise<void>[] = [];
          const total = rate * STEP_SECONDS;
          for (let i = 0; i < total; i++) {
            const due = stepStarted + (i * 1000) / rate;
            if (due > Date.now()) await sleep(due - Date.now());
            const id = ids[Math.floor(Math.random() * OPEN)]!;
            const node = `r${seq++}`;
            sent.set(node, Date.now());
            inFlight.push(workOrders.reportProgress(id, { progressId: node, node }).then(() => undefined, (error: unknown) => void failures.push(String(error))));
          }
          await Promise.all(inFlight);
          // Every report's 店小蜜 call, or up to a minute more for the last ones.
          const deadline = Date.now() + 60_000;
          let received = new Map<string, number>();
          for (;;) {
            const calls = await sandboxCalls(stack.sandboxUrl, '?method=taobao.alimi.workorder.progress.notify&outcome=ok');
            received = new Map(calls.map((call) => [String((call.params.work_order_notify_dxm_command as { current_node?: string }).current_node), call.receivedAt]));
            if ([...sent.keys()].every((node) => received.has(node)) || Date.now() > deadline) break;
            await sleep(1_000);
          }
          const seconds = (Date.now() - stepStarted) / 1000;
          const workerCpu = sum(workers.map((w) => cpuMs(w.process.pid!))) - workerCpu0;
          const serverCpu = temporalCpu(stack) - temporalCpu0;
          const metricsAfter = await Promise.all(metricsPorts.map((port) => scrape(`http://127.0.0.1:${port}/metrics`)));
          const hits = sum(metricsAfter.map((m, i) => stickyCount(m, 'temporal_sticky_cache_hit') - stickyCount(metricsBefore[i]!, 'temporal_sticky_cache_hit')));
          const misses = sum(metricsAfter.map((m, i) => stickyCount(m, 'temporal_sticky_cache_miss') - stickyCount(metricsBefore[i]!, 'temporal_sticky_cache_miss')));
          const latencies = [...sent].filter(([node]) => received.has(node)).map(([node, at]) => received.get(node)! - at).sort((a, b) => a - b);
          const row: Row = {
            workers: workerCount,
            'reports/s offered': rate,
            reports: total,
            'reached 店小蜜': latencies.length,
            'refused or failed': failures.length,
            'report → 店小蜜 p50 ms': percentile(latencies, 50),
            'p99 ms': percentile(latencies, 99),
            'worker CPU ms / report': workerCpu / total,
            'cache hit %': hits + misses > 0 ? (100 * hits) / (hits + misses) : NaN,
            'server + PostgreSQL CPU ms / report': serverCpu / total,
            'step s': seconds,
          };
          rows.push(row);
          console.log(JSON.stringify(row), failures.slice(0, 3));
        }
        rows.push({ workers: workerCount, 'reports/s offered': 'opening', reports: OPEN, 'step s': openSeconds, 'database KiB / open work order': bytesPerOpen / 1024 });
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    }
  } finally {
    await stack.stop();
  }
  const sustained = (workers: number) =>
    Math.max(0, ...rows.filter((r) => r.workers === workers && typeof r['reports/s offered'] === 'number' && Number(r['p99 ms']) < 2_000 && r['reached 店小蜜'] === r.reports).map((r) => Number(r['reports/s offered'])));
  report('sale-day', `Sale day I: ${OPEN} open work orders, ${SELLERS + 1} sellers (one with a third), worker cache ${CACHE}, reports at random, full server with PostgreSQL`, rows, {
    note: `Reports sent at fixed times for ${STEP_SECONDS} s per rate (open loop), each to a work order chosen at random; app quota ${QUOTA} calls/s enforced by the sandbox (2 s bans), the workers' budget ${QUOTA - 1} on one schedule. Highest rate with every report told to 店小蜜 and p99 under 2 s: ${WORKERS.map((w) => `${sustained(w)} reports/s with ${w} worker${w > 1 ? 's' : ''}`).join(', ')}. Database size per open work order: growth of PostgreSQL's data directory while they opened.`,
  });
}

/** PostgreSQL's data directory on disk, in bytes (the cluster's, which holds only this benchmark's database). */
function databaseBytes(stack: BenchStack): number {
  const dir = stack.database?.dataDir;
  return dir ? Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]) : NaN;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
