import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { track, waitForFrontend, type Child } from '../processes';

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
  /** No authorizer: the cluster listens on loopback (compose: on the host's loopback only). */
  TEMPORAL_ALLOW_NO_AUTH: 'true';
}

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

export interface ServerSettings {
  database: { host: string; port: number; user: string; password: string };
  /** The address every service binds to and advertises. */
  host: string;
  ports: ServerPorts;
  historyShards: number;
  dynamicConfigFile: string;
}

/** The server's environment for these settings: what compose's `temporal` service sets, plus ports. */
export function serverEnvironment({ database, host, ports, historyShards, dynamicConfigFile }: ServerSettings): ServerEnvironment {
  return {
    DB: 'postgres12',
    POSTGRES_SEEDS: database.host,
    DB_PORT: String(database.port),
    POSTGRES_USER: database.user,
    POSTGRES_PWD: database.password,
    NUM_HISTORY_SHARDS: String(historyShards),
    BIND_ON_IP: host,
    DYNAMIC_CONFIG_FILE_PATH: dynamicConfigFile,
    FRONTEND_GRPC_PORT: String(ports.frontend),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.history),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matching),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.worker),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    PROMETHEUS_ENDPOINT: `${host}:${ports.metrics}`,
    LOG_LEVEL: 'warn',
    TEMPORAL_ALLOW_NO_AUTH: 'true',
  };
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
    const child = spawn(this.#binary, ['start'], { env: { ...this.#env, PATH: process.env.PATH }, stdio: ['ignore', log, log] });
    this.#child = track(child);
    if (await waitForFrontend(this.address, child, 60_000)) return;
    if (child.exitCode !== null) throw new Error(`the Temporal server exited with ${child.exitCode}; see ${this.#logFile}`);
    await this.#child.kill();
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
