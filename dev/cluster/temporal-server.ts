import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { track, type Child } from '../processes';

/**
 * The full Temporal server (frontend, history, matching and worker services in one process) as the
 * temporalio/server image runs it: `temporal-server start` with no config file, so the server renders
 * its embedded config template from these environment variables — the same names docker-compose.yml
 * sets on its `temporal` service.
 */
export interface ServerEnvironment {
  DB: 'postgres12';
  POSTGRES_SEEDS: string;
  DB_PORT: string;
  POSTGRES_USER: string;
  POSTGRES_PWD: string;
  NUM_HISTORY_SHARDS: string;
  BIND_ON_IP: string;
  DYNAMIC_CONFIG_FILE_PATH: string;
  FRONTEND_GRPC_PORT: string;
  FRONTEND_HTTP_PORT: string;
  FRONTEND_MEMBERSHIP_PORT: string;
  HISTORY_GRPC_PORT: string;
  HISTORY_MEMBERSHIP_PORT: string;
  MATCHING_GRPC_PORT: string;
  MATCHING_MEMBERSHIP_PORT: string;
  WORKER_GRPC_PORT: string;
  WORKER_MEMBERSHIP_PORT: string;
  PROMETHEUS_ENDPOINT: string;
  LOG_LEVEL: string;
}

export class LocalTemporalServer {
  readonly #binary: string;
  readonly #env: ServerEnvironment;
  readonly #logFile: string;
  #child: Child | undefined;

  constructor(binary: string, env: ServerEnvironment, logDir: string) {
    this.#binary = binary;
    this.#env = env;
    this.#logFile = join(logDir, 'temporal-server.log');
  }

  get address(): string {
    return `${this.#env.BIND_ON_IP}:${this.#env.FRONTEND_GRPC_PORT}`;
  }

  get metricsAddress(): string {
    return this.#env.PROMETHEUS_ENDPOINT;
  }

  get pid(): number | undefined {
    return this.#child?.process.pid;
  }

  /** Starts the process and returns once the frontend answers (the namespace may not exist yet). */
  async start(): Promise<void> {
    const log = openSync(this.#logFile, 'a');
    // No authorizer: this cluster listens on loopback only. (The flag keeps the server from warning.)
    const child = spawn(this.#binary, ['--allow-no-auth', 'start'], { env: { ...this.#env, PATH: process.env.PATH }, stdio: ['ignore', log, log] });
    this.#child = track(child);
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`the Temporal server exited with ${child.exitCode}; see ${this.#logFile}`);
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`the Temporal server did not answer in 60 s; see ${this.#logFile}`);
  }

  async stop(): Promise<void> {
    await this.#child?.stop();
  }

  /** kill -9: a crash; everything it acknowledged is in PostgreSQL. */
  async kill(): Promise<void> {
    await this.#child?.kill();
  }
}
