/**
 * `npm run cluster`: the production topology on this machine — PostgreSQL in a private directory on a
 * loopback port, the full Temporal server on it, set up by deploy/temporal/setup.sh (the script the
 * compose file's admin-tools services run). Prints how to point the worker, the CLI and the demo at it;
 * Ctrl-C stops everything it started. The database stays in --data-dir (default .data/cluster), so the
 * next start finds the work orders where they were.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findClusterBinaries } from './binaries';
import { startCluster } from './cluster';

const USAGE = `usage: npm run cluster -- [--data-dir DIR] [--port PORT] [--shards N] [--retention 30d]
  --data-dir   where PostgreSQL keeps the cluster's data (default .data/cluster; reused when present)
  --port       the frontend's gRPC port (default 7233)
  --shards     history shards; fixed when the database is created (default 4)
  --retention  how long closed work orders stay in the namespace (default 30d)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: resolve(__dirname, '../../.data/cluster') },
      port: { type: 'string', default: '7233' },
      shards: { type: 'string', default: '4' },
      retention: { type: 'string', default: '30d' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const binaries = findClusterBinaries();
  if ('missing' in binaries) throw new Error(binaries.missing);
  console.log(`starting PostgreSQL and Temporal server ${binaries.serverVersion} (data in ${values['data-dir']})…`);
  const cluster = await startCluster({ dir: values['data-dir'], port: Number(values.port), historyShards: Number(values.shards), retention: values.retention });
  console.log(`
Temporal ${binaries.serverVersion} on PostgreSQL (port ${cluster.postgresPort}) is up at ${cluster.address}, namespace ${cluster.namespace}.
  worker:   TEMPORAL_ADDRESS=${cluster.address} npm run worker        (plus your TOP_* settings)
  demo:     TEMPORAL_ADDRESS=${cluster.address} npm run demo
  CLI:      ${binaries.temporalCli} workflow list --address ${cluster.address} --query 'WorkOrderStatus="open"'
  metrics:  http://${cluster.metricsAddress}/metrics
  logs:     ${cluster.dir}/temporal-server.log, ${cluster.dir}/postgresql/postgres.log
Ctrl-C stops the server and PostgreSQL.`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  console.log('stopping…');
  await cluster.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
