/**
 * Network faults between our own processes: the worker runs in a network namespace of its own, joined to
 * Temporal (the full server on PostgreSQL, bound to its end of the link) and to the TOP sandbox by one
 * link each, and one link is cut — every packet dropped, both ways, nothing reset — for a while during a
 * run, then restored. (The dev server cannot serve here: bound to an address other than loopback, its
 * frontend still dials its other services on 127.0.0.1.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster } from '../../dev/cluster/cluster';
import { clusterBackend } from '../helpers/cluster';
import { eventually } from '../helpers/stack';
import { NetworkHost } from '../helpers/netns';
import { drive, rig, settle, summarise, type ChaosReport } from './scenarios';

export type CutLink = 'temporal' | 'top';

/** The worker's readiness endpoint, port chosen inside its own namespace (nothing else listens there). */
const HEALTH_PORT = 8081;

export async function networkCut(workOrders: number, cut: CutLink, seconds: number, tag = Date.now().toString(36)): Promise<ChaosReport> {
  const host = NetworkHost.create(['temporal', 'top']);
  // The readiness endpoint is asked over the link that stays up.
  const readyz = `http://${host.link(cut === 'temporal' ? 'top' : 'temporal').peerIp}:${HEALTH_PORT}/readyz`;
  const ready = () => fetch(readyz, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
  const cluster = await startCluster({ host: host.link('temporal').hostIp, retention: '1d' }).catch((error: unknown) => {
    host.destroy();
    throw error;
  });
  try {
    const r = await rig({ WORKER_HEALTH_ADDRESS: `0.0.0.0:${HEALTH_PORT}` }, { backend: clusterBackend(cluster), sandboxHost: host.link('top').hostIp, wrapWorker: host.wrap.bind(host) });
    const started = Date.now();
    const ids = Array.from({ length: workOrders }, (_, i) => `NETCUT-${cut}-${tag}-${i}`);
    const notes: string[] = [];
    const problems: string[] = [];
    const worker = await r.startWorker();
    try {
      const driving = drive(r.client, ids);
      const deadline = Date.now() + 60_000;
      while (r.sandbox.calls({ outcome: 'ok' }).length < Math.min(10, workOrders) && Date.now() < deadline) await sleep(20);
      if (!(await ready())) problems.push('the worker was not ready before the cut');

      host.cut(cut);
      const cutAt = Date.now();
      let firstUnready: number | undefined;
      while (Date.now() - cutAt < seconds * 1000) {
        if (!(await ready()) && firstUnready === undefined) firstUnready = Date.now() - cutAt;
        await sleep(1000);
      }
      host.restore(cut);
      const restoredAt = Date.now();
      // Requests already on the wire when the link was cut may still land in its first moment.
      const landed = (from: number, to: number) => r.sandbox.calls().filter((c) => c.receivedAt >= from && c.receivedAt < to).length;
      const inFirstSecond = landed(cutAt, cutAt + 1000);
      notes.push(
        `${cut === 'temporal' ? 'worker ↔ Temporal' : 'worker ↔ TOP gateway'} cut (packets dropped) for ${seconds} s after ${((cutAt - started) / 1000).toFixed(1)} s; ` +
          `${inFirstSecond} calls already under way landed in its first second; ${landed(cutAt + 1000, restoredAt)} calls reached the gateway after that`,
      );
      if (cut === 'temporal') {
        if (firstUnready === undefined) problems.push('readiness stayed ready while the worker was cut off from Temporal');
        else notes.push(`readiness said not-ready ${(firstUnready / 1000).toFixed(1)} s into the cut`);
      } else {
        notes.push(firstUnready === undefined ? 'readiness stayed ready (TOP is not a readiness concern: the work orders wait and retry)' : `readiness went not-ready ${(firstUnready / 1000).toFixed(1)} s into the TOP cut`);
      }
      await driving;
      const settled = await settle(r.client, ids, 240_000);
      notes.push(`all settled ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the link came back`);
      const readyAgain = await eventually(async () => ((await ready()) ? true : undefined), 'ready again', 30_000).catch(() => false);
      if (!readyAgain) problems.push('the worker did not become ready again within 30 s of the link coming back');
      return summarise(`network: worker cut off from ${cut === 'temporal' ? 'Temporal' : 'the TOP gateway'} for ${seconds} s`, r.sandbox, ids, settled, started, notes, problems);
    } finally {
      await worker.stop();
      await r.close();
    }
  } finally {
    await cluster.stop();
    host.destroy();
  }
}
