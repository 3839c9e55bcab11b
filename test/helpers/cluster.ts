import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findClusterBinaries } from '../../dev/cluster/binaries';
import { startCluster, type LocalCluster } from '../../dev/cluster/cluster';
import type { TemporalBackend } from '../chaos/scenarios';

/** Why the cluster tests cannot run on this machine, or false when they can (node:test's `skip`). */
export function clusterSkipReason(): string | false {
  const binaries = findClusterBinaries();
  return 'missing' in binaries ? binaries.missing : false;
}

/** A local cluster (PostgreSQL + the full server) for one test file, stopped when the file ends. */
export async function startTestCluster(): Promise<LocalCluster> {
  const cluster = await startCluster({ retention: '1d' });
  after(() => cluster.stop());
  return cluster;
}

/** The cluster as the chaos scenarios' Temporal: crashes of the server and restarts of its database. */
export function clusterBackend(cluster: LocalCluster): TemporalBackend {
  return {
    address: cluster.address,
    namespace: cluster.namespace,
    crashServer: async () => {
      await cluster.server.kill();
      await sleep(2000);
      await cluster.server.start();
      return 'the full server killed with -9, down 2 s, started again on the same PostgreSQL database';
    },
    restartDatabase: async () => {
      await cluster.postgres.stop();
      await sleep(5000);
      await cluster.postgres.start();
      return 'PostgreSQL stopped (fast shutdown: every connection cut), down 5 s, started again';
    },
    close: () => Promise.resolve(), // the file's cluster outlives each scenario
  };
}
