import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { track, type Child } from '../processes';

export interface PostgresOptions {
  binDir: string;
  /** Its own directory: the data directory, the password file and the log live here. */
  dir: string;
  port: number;
  user: string;
  password: string;
}

/**
 * PostgreSQL refuses to run as root. When we are root (CI containers), the server runs as the system's
 * `postgres` user, else `nobody`, and owns its directory; otherwise it runs as us.
 */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entries = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  const entry = entries.find((e) => e[0] === 'postgres') ?? entries.find((e) => e[0] === 'nobody');
  if (!entry) throw new Error('running as root and no postgres or nobody user to run PostgreSQL as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/**
 * A private PostgreSQL: `initdb` into our own directory, listening on one loopback port, no system
 * service, password authentication like a real deployment. `start` after `stop`/`kill` reuses the data.
 */
export class LocalPostgres {
  readonly #options: PostgresOptions;
  readonly #runAs = unprivilegedUser();
  #child: Child | undefined;

  constructor(options: PostgresOptions) {
    this.#options = options;
  }

  get dataDir(): string {
    return join(this.#options.dir, 'data');
  }

  get pid(): number | undefined {
    return this.#child?.process.pid;
  }

  /** Creates the cluster the first time; a directory that already holds one is reused. */
  init(): void {
    const { dir, binDir, user, password } = this.#options;
    if (existsSync(join(this.dataDir, 'PG_VERSION'))) return;
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755); // the server's user must reach its data directory inside it
    const passwordFile = join(dir, 'initdb-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (this.#runAs) for (const path of [dir, passwordFile]) chownSync(path, this.#runAs.uid, this.#runAs.gid);
    const result = spawnSync(
      join(binDir, 'initdb'),
      ['-D', this.dataDir, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
      { ...this.#runAs, encoding: 'utf8', cwd: dir },
    );
    if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr || result.error?.message}`);
  }

  async start(): Promise<void> {
    const { binDir, dir, port } = this.#options;
    const log = openSync(join(dir, 'postgres.log'), 'a');
    if (this.#runAs) chownSync(join(dir, 'postgres.log'), this.#runAs.uid, this.#runAs.gid);
    const child = spawn(
      join(binDir, 'postgres'),
      // The frontend, history, matching and worker services each keep their own pools: 100 is too few.
      ['-D', this.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=300'],
      { ...this.#runAs, cwd: dir, stdio: ['ignore', log, log] },
    );
    this.#child = track(child, 'SIGINT'); // SIGINT is PostgreSQL's fast shutdown; SIGTERM waits for clients
    await this.#ready(binDir, port);
  }

  async #ready(binDir: string, port: number): Promise<void> {
    const isReady = join(binDir, 'pg_isready');
    for (let i = 0; i < 300; i++) {
      if (this.#child!.process.exitCode !== null) throw new Error(`PostgreSQL exited; see ${join(this.#options.dir, 'postgres.log')}`);
      if (spawnSync(isReady, ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0) return;
      await sleep(100);
    }
    throw new Error('PostgreSQL did not start in 30 s');
  }

  /** Fast shutdown: clients are disconnected, everything committed is on disk. */
  async stop(): Promise<void> {
    await this.#child?.stop();
  }

  /** kill -9: a crash; PostgreSQL recovers from its WAL on the next start. */
  async kill(): Promise<void> {
    await this.#child?.kill();
  }
}
