import { cpuMs, cpuMsWithChildren } from '../../dev/processes';
import { percentile, type Row } from './report';
import { pool, type BenchStack } from './stack';

export interface ReportLoad {
  seconds: number;
  /** CPU per report of the worker process, the Temporal server and (the full server) PostgreSQL. */
  workerMs: number;
  serverMs: number;
  databaseMs: number;
  /** Each report's latency until its Update was accepted, sorted. */
  latencies: number[];
}

/**
 * Sends every report, `inFlight` at a time, and waits until `delivered` says they all reached 店小蜜 (at most
 * two minutes more): the CPU the worker, the server and PostgreSQL (its reaped backends too) spent meanwhile.
 */
export async function measureReports<T>(
  stack: BenchStack,
  worker: { process: { pid?: number } },
  reports: T[],
  inFlight: number,
  send: (report: T) => Promise<void>,
  delivered: () => Promise<boolean>,
): Promise<ReportLoad> {
  // PostgreSQL: the postmaster, its live backends, and (reaped) the backends that exited.
  const databaseCpu = () => (stack.database ? cpuMsWithChildren(stack.database.process.pid!) : 0);
  const worker0 = cpuMs(worker.process.pid!);
  const server0 = cpuMs(stack.server.process.pid!);
  const database0 = databaseCpu();
  const latencies: number[] = [];
  const started = performance.now();
  await pool(reports, inFlight, async (report) => {
    const sent = performance.now();
    await send(report);
    latencies.push(performance.now() - sent);
  });
  const deadline = Date.now() + 120_000;
  while (!(await delivered()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const per = (ms: number) => ms / reports.length;
  return {
    seconds: (performance.now() - started) / 1000,
    workerMs: per(cpuMs(worker.process.pid!) - worker0),
    serverMs: per(cpuMs(stack.server.process.pid!) - server0),
    databaseMs: per(databaseCpu() - database0),
    latencies: latencies.sort((a, b) => a - b),
  };
}

/** The column of the summed CPU per report, as both servers' tables name it. */
export const totalCpuColumn = (cluster: boolean): string => (cluster ? 'worker + server + PostgreSQL ms / report' : 'worker + server ms / report');

/** A load's columns in a results row: reports/s, CPU per report by process and in all, Update p50/p99. */
export function loadColumns(load: ReportLoad, reports: number, cluster: boolean): Row {
  return {
    'reports/s': reports / load.seconds,
    'worker CPU ms / report': load.workerMs,
    'server CPU ms / report': load.serverMs,
    ...(cluster ? { 'PostgreSQL CPU ms / report': load.databaseMs } : {}),
    [totalCpuColumn(cluster)]: load.workerMs + load.serverMs + load.databaseMs,
    'Update p50 ms': percentile(load.latencies, 50),
    'Update p99 ms': percentile(load.latencies, 99),
  };
}
