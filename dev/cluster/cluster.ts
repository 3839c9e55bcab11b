import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { freePort } from '../processes';
import { findClusterBinaries, type ClusterBinaries } from './binaries';
import { LocalPostgres } from './postgres';
import { LocalTemporalServer, serverEnvironment } from './temporal-server';

const ROOT = resolve(__dirname, '../..');
const SETUP_SCRIPT = join(ROOT, 'deploy/temporal/setup.sh');
const DYNAMIC_CONFIG = join(ROOT, 'deploy/temporal/dynamicconfig.yaml');

export interface ClusterOptions {
  /** Keep the database here (reused when it exists); a new temporary directory by default. */
  dir?: string;
  /** Fixed for the life of a database: choose it before the first start (see the README). */
  historyShards?: number;
  namespace?: string;
  retention?: string;
  /** The address every service binds to: loopback unless a test gives a network namespace's peer. */
  host?: string;
  /** The frontend's gRPC port; a free one by default. */
  port?: number;
}

export interface LocalCluster {
  /** host:port of the frontend: TEMPORAL_ADDRESS for workers and clients. */
  address: string;
  namespace: string;
  dir: string;
  postgresPort: number;
  /** The server's Prometheus endpoint (host:port). */
  metricsAddress: string;
  postgres: LocalPostgres;
  server: LocalTemporalServer;
  binaries: ClusterBinaries;
  stop(): Promise<void>;
}

/** The server stores membership ports in a smallint column: every port of the cluster stays below it. */
const SMALLINT_PORTS = 32_768;

const DB_USER = 'temporal';
// A loopback-only development database; a real deployment sets its own (POSTGRES_PWD in compose).
const DB_PASSWORD = 'temporal';

/**
 * Runs one step of deploy/temporal/setup.sh, the script docker-compose's admin-tools services run, with
 * `toolDirs` (where temporal-sql-tool and the temporal CLI are) first on its PATH.
 */
export async function runSetup(step: 'schema' | 'namespace', env: Record<string, string>, toolDirs: string[]): Promise<string> {
  const path = [...toolDirs, process.env.PATH ?? ''].join(delimiter);
  const child = spawn('sh', [SETUP_SCRIPT, step], { env: { PATH: path, HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('close', done));
  if (code !== 0) throw new Error(`deploy/temporal/setup.sh ${step} failed (${code}):\n${output}`);
  return output;
}

/**
 * The production topology on one machine: PostgreSQL in a private directory, the full Temporal server
 * on it (SQL persistence and SQL visibility), set up by the same script as docker-compose.yml.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const binaries = findClusterBinaries();
  if ('missing' in binaries) throw new Error(`cannot start a local cluster: ${binaries.missing}`);
  const dir = options.dir ? resolve(options.dir) : mkdtempSync(join(tmpdir(), 'temporal-cluster-'));
  mkdirSync(dir, { recursive: true });
  if (!options.dir) chmodSync(dir, 0o755); // mkdtemp's 0700 would shut out PostgreSQL's own user (when we are root)
  const host = options.host ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const toolDirs = [binaries.sqlToolDir, dirname(binaries.temporalCli)];

  const postgresPort = await freePort({ below: SMALLINT_PORTS });
  const postgres = new LocalPostgres({ binDir: binaries.postgresBinDir, dir: join(dir, 'postgresql'), port: postgresPort, user: DB_USER, password: DB_PASSWORD });
  postgres.init();
  await postgres.start();

  try {
    const port = () => freePort({ host, below: SMALLINT_PORTS });
    const env = serverEnvironment({
      database: { host: '127.0.0.1', port: postgresPort, user: DB_USER, password: DB_PASSWORD },
      host,
      ports: {
        frontend: options.port ?? (await port()),
        frontendHttp: await port(),
        frontendMembership: await port(),
        history: await port(),
        historyMembership: await port(),
        matching: await port(),
        matchingMembership: await port(),
        worker: await port(),
        workerMembership: await port(),
        metrics: await port(),
      },
      historyShards: options.historyShards ?? 4,
      dynamicConfigFile: DYNAMIC_CONFIG,
    });
    // setup.sh reads the database by the same variable names as the server, as in compose.
    await runSetup('schema', { ...env }, toolDirs);
    const server = new LocalTemporalServer(binaries.temporalServer, env, dir);
    await server.start();
    try {
      await runSetup('namespace', { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: namespace, NAMESPACE_RETENTION: options.retention ?? '30d' }, toolDirs);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      address: server.address,
      namespace,
      dir,
      postgresPort,
      metricsAddress: server.metricsAddress,
      postgres,
      server,
      binaries,
      stop: async () => {
        await server.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
