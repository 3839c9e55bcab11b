/**
 * `npm run chaos`: the full fault runs, bounded in count and time. Prints, per fault class, the work orders
 * run, completed, failed or stuck, the repeated TOP calls and whether their idempotency keys matched; exits
 * non-zero on any lost, stuck or mis-keyed work order. CHAOS_SCALE=0.25 for a quicker pass.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { machine } from '../../bench/lib/report';
import { startCluster } from '../../dev/cluster/cluster';
import { clusterBackend, clusterSkipReason } from '../helpers/cluster';
import { NetworkHost } from '../helpers/netns';
import { networkCut } from './network';
import { refusals, serverRestart, topFaults, workerCrashes, type ChaosReport } from './scenarios';

const scale = Number(process.env.CHAOS_SCALE ?? 1);
const n = (count: number) => Math.max(4, Math.round(count * scale));
/** Scenario names say where they ran when it was not the dev server. */
const label = (report: ChaosReport): ChaosReport => ({ ...report, scenario: `full server + PostgreSQL: ${report.scenario}` });

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const reports: ChaosReport[] = [];
  const run = async (scenario: () => Promise<ChaosReport>) => {
    const report = await scenario();
    reports.push(report);
    console.log(`\n== ${report.scenario}: ${report.completed}/${report.workOrders} completed in ${report.seconds.toFixed(1)} s; ${report.callsMade} calls made; ${report.repeatedCalls} repeated accepted calls, ${report.repeatsWithDifferentKeys} with different keys`);
    for (const note of report.notes) console.log(`   ${note}`);
    for (const problem of report.failedOrStuck) console.log(`   PROBLEM ${problem}`);
  };
  await run(() => workerCrashes(n(200), 5));
  await run(() => serverRestart(n(60)));
  await run(() => topFaults(n(40), { latencyMs: 1500, latencyRate: 0.15 }, 'latency beyond the 1 s call timeout on 15% of calls'));
  await run(() => topFaults(n(40), { dropRate: 0.2 }, 'dropped connections (20%)'));
  await run(() => topFaults(n(40), { http502Rate: 0.2 }, 'HTTP 502 with an HTML page (20%)'));
  await run(() => topFaults(n(40), { ispErrorRate: 0.3 }, 'isp errors (30%)'));
  await run(() => topFaults(n(40), { rateLimit: { callsPerSecond: 20, banSeconds: 2 } }, 'rate limit 20 calls/s with 2 s bans'));
  await run(() => refusals(n(20)));
  // The production topology: the full server on PostgreSQL (dev/cluster), one cluster for these three.
  const clusterSkip = clusterSkipReason();
  if (clusterSkip) console.log(`\n== full-server runs skipped: ${clusterSkip}`);
  else {
    const cluster = await startCluster({ retention: '1d' });
    try {
      const backend = clusterBackend(cluster);
      await run(async () => label(await workerCrashes(n(100), 3, { workers: 2, backend })));
      await run(async () => label(await serverRestart(n(60), { backend })));
      await run(async () => label(await serverRestart(n(60), { backend, fault: 'database' })));
    } finally {
      await cluster.stop();
    }
  }
  // The worker in a network namespace of its own, on the full server (needs root and the cluster's binaries).
  const networkSkip = clusterSkip || NetworkHost.skipReason();
  if (networkSkip) console.log(`\n== network cuts skipped: ${networkSkip}`);
  else {
    await run(() => networkCut(n(40), 'temporal', 60));
    await run(() => networkCut(n(40), 'top', 60));
  }

  const info = machine();
  const lines = [
    '# `npm run chaos`: latest results',
    '',
    '| fault | work orders | completed | failed or stuck | repeated accepted calls | repeats with other keys | calls made | s |',
    '|---|---|---|---|---|---|---|---|',
    ...reports.map((r) => `| ${r.scenario} | ${r.workOrders} | ${r.completed} | ${r.failedOrStuck.length} | ${r.repeatedCalls} | ${r.repeatsWithDifferentKeys} | ${r.callsMade} | ${r.seconds.toFixed(0)} |`),
    '',
    ...reports.flatMap((r) => r.notes.map((note) => `- ${r.scenario}: ${note}`)),
    '',
    `_${info.cpu}, ${info.cores} cores; Node ${info.node}; Temporal SDK ${info.temporalSdk}; ${info.temporalCli}; ${info.date.slice(0, 10)}; CHAOS_SCALE=${scale}_`,
    '',
  ];
  console.log(`\n${lines.join('\n')}`);
  writeFileSync(join(__dirname, 'RESULTS.md'), lines.join('\n'));
  const bad = reports.filter((r) => r.failedOrStuck.length > 0 || r.repeatsWithDifferentKeys > 0 || r.completed !== r.workOrders);
  process.exitCode = bad.length ? 1 : 0;
}

void main();
