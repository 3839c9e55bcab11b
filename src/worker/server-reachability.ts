import type { NativeConnection } from '@temporalio/worker';

/** How often the frontend is asked, and how long an answer may take before it counts as missing. */
const PROBE_INTERVAL_MS = 5_000;
const PROBE_DEADLINE_MS = 3_000;

/**
 * Whether the worker can reach its Temporal frontend. A worker cut off from the server keeps the state
 * RUNNING — its polls simply get no answer — so readiness asks the frontend's gRPC health service on
 * the worker's own connection: not ready from the first probe that fails until one succeeds again.
 */
export class ServerReachability {
  #reachable = true;
  #lastError: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;

  constructor(
    private readonly connection: Pick<NativeConnection, 'healthService' | 'withDeadline'>,
    /** Told the answer of every probe (the worker_ready gauge). */
    private readonly onProbed: (reachable: boolean) => void = () => undefined,
  ) {}

  get reachable(): boolean {
    return this.#reachable;
  }

  /** Why the last probe failed (shown on /readyz), while unreachable. */
  get lastError(): string | undefined {
    return this.#reachable ? undefined : this.#lastError;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#probing ??= this.probe().finally(() => (this.#probing = undefined));
    }, PROBE_INTERVAL_MS);
    this.#timer.unref();
  }

  async probe(): Promise<void> {
    try {
      await this.connection.withDeadline(Date.now() + PROBE_DEADLINE_MS, () => this.connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }));
      this.#reachable = true;
    } catch (error) {
      this.#reachable = false;
      this.#lastError = error instanceof Error ? error.message : String(error);
    }
    this.onProbed(this.#reachable);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#probing;
  }
}
