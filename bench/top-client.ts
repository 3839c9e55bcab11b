/**
 * `top-client`: our TOP client against the published Node TOP clients and a bare undici request carrying
 * the same signed form (the ceiling), all calling the TOP sandbox (its own process, no injected latency),
 * interleaved round by round at concurrency 1, 16 and 64.
 *
 * Two bare requests: the form encoded by URLSearchParams (what one writes first) and by node:querystring
 * (what our client uses), so the ratio to the second is our client's own overhead, not the encoder's.
 *
 * On a machine with two or more cores the sandbox runs on one core and this process on another, so neither
 * steals the other's CPU in the middle of a call: CPU per call then depends much less on the interleaving.
 *
 * The published clients format `timestamp` in the host's time zone, so this process runs with
 * TZ=Asia/Shanghai, the zone the gateway expects. All clients sign with md5 (the only method the
 * published ones support).
 */
process.env.TZ = 'Asia/Shanghai';

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { stringify as formEncode } from 'node:querystring';
import { Pool } from 'undici';
import { SANDBOX_DEFAULTS } from '../src/sandbox/server';
import { formatTopTime, RDC_IDENTIFICATION_CASE_UPDATE, rdcIdentificationCaseUpdate, signTopRequest, TopClient } from '../src/top';
import { freePort, startNode } from '../dev/processes';
import { publishedTopClients } from '../dev/published-top-clients';
import { percentile, report, type Row } from './lib/report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONCURRENCIES = [1, 16, 64];
const SESSION = Object.keys(SANDBOX_DEFAULTS.sessions)[0]!;
const { appKey, appSecret } = SANDBOX_DEFAULTS;

/** The business parameter every client sends: 64-bit ids as JSON numbers. */
const param = { detail_order_id: 194467217119131, occur_time: 1_700_000_000, operate_type: 1, operate_tips: '创建鉴定工单', outer_case_id: 'BENCH-1', refund_id: 147822831913191 };

type Call = () => Promise<unknown>;

const OURS = 'ours (src/top)';
const BARE = ['bare undici (ceiling)', 'bare undici, querystring'] as const;

function contenders(gatewayUrl: string): Record<string, { call: Call; close?: () => Promise<void> }> {
  const ours = new TopClient({ gatewayUrl, appKey, appSecret, signMethod: 'md5', connections: 64 });
  const published = publishedTopClients();
  if (!published) throw new Error('the published TOP clients are not installed: bash scripts/install-published-top-clients.sh');
  const { ApiClient, NodeTaobaoTopClient } = published;
  const official = new ApiClient({ appkey: appKey, appsecret: appSecret, url: gatewayUrl });
  const community = new NodeTaobaoTopClient({ appkey: appKey, appsecret: appSecret, REST_URL: gatewayUrl });
  const url = new URL(gatewayUrl);
  const pool = new Pool(url.origin, { connections: 64 });
  return {
    'ours (src/top)': {
      call: () =>
        rdcIdentificationCaseUpdate(
          ours,
          { param: { ...param, detail_order_id: '194467217119131', refund_id: '147822831913191', operate_type: 1 } },
          { session: SESSION },
        ),
      close: () => ours.close(),
    },
    'ali-topsdk (official)': {
      call: () =>
        new Promise((resolve, reject) =>
          official.execute(RDC_IDENTIFICATION_CASE_UPDATE, { param, session: SESSION }, (error, response) => (error ? reject(new Error(JSON.stringify(error))) : resolve(response))),
        ),
    },
    'node-taobao-topclient': { call: () => community.execute(RDC_IDENTIFICATION_CASE_UPDATE, { param, session: SESSION }) },
    // The two bare requests share one pool, closed once (with the second).
    'bare undici (ceiling)': { call: () => bareCall(pool, url.pathname, (params) => new URLSearchParams(params).toString()) },
    'bare undici, querystring': { call: () => bareCall(pool, url.pathname, formEncode), close: () => pool.close() },
  };
}

/** The same signed form as ours sends, with nothing around the request: no validation, span or error mapping. */
async function bareCall(pool: Pool, path: string, encode: (params: Record<string, string>) => string): Promise<void> {
  const params: Record<string, string> = {
    method: RDC_IDENTIFICATION_CASE_UPDATE,
    app_key: appKey,
    session: SESSION,
    timestamp: formatTopTime(Date.now()),
    format: 'json',
    v: '2.0',
    sign_method: 'md5',
    param: JSON.stringify(param),
  };
  params.sign = signTopRequest(params, appSecret, 'md5');
  const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: encode(params) });
  const body = (await response.body.json()) as Record<string, unknown>;
  if (!body.rdc_aligenius_identification_case_update_response) throw new Error(JSON.stringify(body));
}

async function runCell(call: Call, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, errors, elapsed, cpuMicros: cpu.user + cpu.system };
}

/** Whether the sandbox and this process each get a core of their own (two or more cores, and taskset). */
const PINNED = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;

async function main(): Promise<void> {
  const port = await freePort();
  const sandbox = await startNode('src/sandbox/main.ts', { TOP_SANDBOX_PORT: String(port) }, /TOP sandbox gateway/, PINNED ? (command, args) => ['taskset', ['-c', '1', command, ...args]] : undefined);
  // All threads of this process (main, libuv, V8's) onto core 0; the sandbox, started before, keeps core 1.
  if (PINNED) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const gatewayUrl = `http://127.0.0.1:${port}/router/rest`;
  const clients = contenders(gatewayUrl);
  const names = Object.keys(clients);
  const totals = new Map<string, { latencies: number[]; errors: number; elapsed: number; cpuMicros: number }>();
  /** Per round and concurrency: our CPU per call over each bare request's, to show how much the ratio moves. */
  const cpuRatios = new Map<string, number[]>();
  try {
    for (const name of names) await runCell(clients[name]!.call, 4, 0.5); // warm-up: JIT, connections
    for (let round = 0; round < ROUNDS; round++) {
      for (const concurrency of CONCURRENCIES) {
        const cpuPerCall = new Map<string, number>();
        // Rotate the order each round so no client always runs first or last.
        for (const name of names.map((_, i) => names[(i + round) % names.length]!)) {
          const cell = await runCell(clients[name]!.call, concurrency, SECONDS);
          cpuPerCall.set(name, cell.cpuMicros / cell.latencies.length);
          const key = `${name}|${concurrency}`;
          const total = totals.get(key) ?? { latencies: [], errors: 0, elapsed: 0, cpuMicros: 0 };
          total.latencies.push(...cell.latencies);
          total.errors += cell.errors;
          total.elapsed += cell.elapsed;
          total.cpuMicros += cell.cpuMicros;
          totals.set(key, total);
        }
        for (const bare of BARE) {
          const key = `${bare}|${concurrency}`;
          cpuRatios.set(key, [...(cpuRatios.get(key) ?? []), cpuPerCall.get(OURS)! / cpuPerCall.get(bare)!]);
        }
      }
    }
  } finally {
    for (const client of Object.values(clients)) await client.close?.();
    await sandbox.stop();
  }

  const rows: Row[] = [];
  for (const concurrency of CONCURRENCIES) {
    for (const name of names) {
      const t = totals.get(`${name}|${concurrency}`)!;
      const sorted = t.latencies.sort((a, b) => a - b);
      rows.push({
        client: name,
        concurrency,
        'calls/s': sorted.length / t.elapsed,
        'p50 ms': percentile(sorted, 50),
        'p99 ms': percentile(sorted, 99),
        'CPU µs/call': sorted.length ? t.cpuMicros / sorted.length : NaN,
        errors: t.errors,
      });
    }
  }
  const at64 = (name: string) => rows.find((r) => r.client === name && r.concurrency === 64)!;
  const ours = at64('ours (src/top)');
  const official = at64('ali-topsdk (official)');
  const bare = at64('bare undici (ceiling)');
  const targets = {
    'throughput vs official at 64 (target ≥ 5×)': (ours['calls/s'] as number) / (official['calls/s'] as number),
    'p99 vs official at 64 (target < 1)': (ours['p99 ms'] as number) / (official['p99 ms'] as number),
    'throughput vs bare undici at 64 (target ≥ 0.85)': (ours['calls/s'] as number) / (bare['calls/s'] as number),
  };
  const cpu: Record<string, { total: number; medianOfRounds: number; min: number; max: number }> = {};
  for (const concurrency of CONCURRENCIES) {
    for (const bareName of BARE) {
      const cell = (name: string) => rows.find((r) => r.client === name && r.concurrency === concurrency)!;
      const perRound = [...cpuRatios.get(`${bareName}|${concurrency}`)!].sort((a, b) => a - b);
      cpu[`CPU per call, ours vs ${bareName}, concurrency ${concurrency} (target ≤ 1.15)`] = {
        total: (cell(OURS)['CPU µs/call'] as number) / (cell(bareName)['CPU µs/call'] as number),
        medianOfRounds: percentile(perRound, 50),
        min: perRound[0]!,
        max: perRound.at(-1)!,
      };
    }
  }
  const summary = [
    ...Object.entries(targets).map(([k, v]) => `${k}: **${v.toFixed(2)}**`),
    ...Object.entries(cpu).map(([k, v]) => `${k}: **${v.total.toFixed(2)}** (rounds ${v.min.toFixed(2)}–${v.max.toFixed(2)})`),
  ].join('; ');
  report('top-client', '1. TOP client: calls to the sandbox (taobao.rdc.aligenius.identification.case.update)', rows, {
    targets: { ...targets, ...cpu },
    note: `${summary}. ${ROUNDS} interleaved rounds of ${SECONDS} s per cell; sandbox in its own process${PINNED ? ', on a core of its own (this process on the other)' : ', both unpinned'}; TZ=Asia/Shanghai for the published clients' local-time timestamps; CPU is this process's user+system time per successful call.`,
  });
}

void main();
