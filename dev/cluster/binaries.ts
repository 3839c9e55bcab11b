import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { temporalCliPath } from '../temporal-server';

const ROOT = resolve(__dirname, '../..');
/** Where scripts/install-temporal-server.sh builds the full server and its schema tool. */
const SERVER_DIR = join(ROOT, '.tools/temporal-server');

export interface ClusterBinaries {
  temporalServer: string;
  /** Directory holding temporal-sql-tool (deploy/temporal/setup.sh finds it on PATH). */
  sqlToolDir: string;
  /** The `temporal` CLI (setup.sh's namespace step). */
  temporalCli: string;
  /** Directory holding PostgreSQL's `initdb` and `postgres`. */
  postgresBinDir: string;
  serverVersion: string;
}

/** PostgreSQL's server programs: POSTGRES_BIN_DIR, Debian's /usr/lib/postgresql/<newest>/bin, then PATH. */
function postgresBinDir(env: NodeJS.ProcessEnv): string | undefined {
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`)
    : [];
  const candidates = [env.POSTGRES_BIN_DIR, ...debian, ...(env.PATH ?? '').split(delimiter)].filter((dir): dir is string => Boolean(dir));
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
}

/**
 * What a local cluster needs, or why it cannot run here (the cluster tests skip with that reason and
 * `npm run cluster` prints it).
 */
export function findClusterBinaries(env: NodeJS.ProcessEnv = process.env): ClusterBinaries | { missing: string } {
  const temporalServer = join(SERVER_DIR, 'temporal-server');
  if (!existsSync(temporalServer) || !existsSync(join(SERVER_DIR, 'temporal-sql-tool'))) {
    return { missing: 'no Temporal server in .tools/temporal-server (bash scripts/install-temporal-server.sh builds it; needs Go)' };
  }
  const temporalCli = temporalCliPath(env);
  if (!temporalCli) return { missing: 'no temporal CLI (bash scripts/install-temporal-cli.sh)' };
  const pgBin = postgresBinDir(env);
  if (!pgBin) return { missing: 'no PostgreSQL server programs (initdb, postgres); install PostgreSQL or set POSTGRES_BIN_DIR' };
  return {
    temporalServer,
    sqlToolDir: SERVER_DIR,
    temporalCli,
    postgresBinDir: pgBin,
    serverVersion: readFileSync(join(SERVER_DIR, 'VERSION'), 'utf8').trim(),
  };
}
