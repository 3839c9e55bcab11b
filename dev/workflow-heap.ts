/**
 * What a worker's workflow thread holds: a heap snapshot taken over the inspector's NodeWorker domain
 * (workflows run in a worker thread the main thread's inspector can reach), summarized by object kind.
 * For the memory benchmark and the suite's eviction guard; call it from the process that runs the worker.
 */
import { Session } from 'node:inspector';
import { setTimeout as sleep } from 'node:timers/promises';

export type HeapSummary = Map<string, { bytes: number; count: number }>;

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per kind: `object <constructor>`, `closure <name>`, `string`, or V8's node type. */
function summarize(text: string): HeapSummary {
  const heap = JSON.parse(text) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = heap.snapshot.meta.node_types[0];
  const kinds: HeapSummary = new Map();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const t = types[heap.nodes[i + type]!]!;
    const kind = t === 'object' || t === 'closure' ? `${t} ${heap.strings[heap.nodes[i + name]!]!.slice(0, 40)}` : t.includes('string') ? 'string' : `(${t})`;
    const entry = kinds.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += heap.nodes[i + size]!;
    entry.count += 1;
    kinds.set(kind, entry);
  }
  return kinds;
}

/**
 * Collects garbage in every worker thread of this process and snapshots the largest heap: the workflow
 * thread's, where the cached workflows live.
 */
export async function snapshotWorkflowThread(): Promise<HeapSummary> {
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}) => new Promise<unknown>((done, fail) => session.post(method, params, (e, r) => (e ? fail(e) : done(r))));
  const threads: string[] = [];
  session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string } }) => threads.push(m.params.sessionId));
  let chunks: string[] = [];
  let nextId = 1;
  const waiting = new Map<number, () => void>();
  session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { message: string } }) => {
    const message = JSON.parse(m.params.message) as { id?: number; method?: string; params?: { chunk: string } };
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(message.params!.chunk);
    if (message.id !== undefined) waiting.get(message.id)?.();
  });
  const send = (sessionId: string, method: string) =>
    new Promise<void>((done) => {
      const id = nextId++;
      waiting.set(id, done);
      void post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
    });
  try {
    await post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    await sleep(500); // attachedToWorker arrives for each existing thread
    let largest = '';
    for (const sessionId of threads) {
      chunks = [];
      await send(sessionId, 'HeapProfiler.enable');
      await send(sessionId, 'HeapProfiler.collectGarbage');
      await send(sessionId, 'HeapProfiler.takeHeapSnapshot');
      const text = chunks.join('');
      if (text.length > largest.length) largest = text;
    }
    return summarize(largest);
  } finally {
    session.disconnect();
  }
}
