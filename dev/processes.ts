import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { devServerDynamicConfig, temporalCliPath } from './temporal-server';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../src/work-order/search-attributes';

const ROOT = resolve(__dirname, '..');

/** Binds `port` on `host` and lets it go: the port it got, or undefined when that one is taken. */
function probePort(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(undefined));
    server.listen(port, host, () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolvePort(bound));
    });
  });
}

/**
 * A free port on `host`: the kernel's choice (from its ephemeral range), or with `below`, a random one
 * between 20000 and `below` — for the full Temporal server, which keeps membership ports in a smallint
 * column and fails at start on ephemeral ones. The kernel never hands out that range by itself, so
 * another process's connections cannot take the port meanwhile.
 */
export async function freePort(options: { host?: string; below?: number } = {}): Promise<number> {
  const { host = '127.0.0.1', below } = options;
  if (below === undefined) {
    const port = await probePort(0, host);
    if (port === undefined) throw new Error(`cannot bind a port on ${host}`);
    return port;
  }
  for (;;) {
    const port = await probePort(20_000 + Math.floor(Math.random() * (below - 20_000)), host);
    if (port !== undefined) return port;
  }
}

/** Resident memory of a process, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : NaN;
}

/** A process's /proc/<pid>/stat fields after its command name, which may hold spaces (Linux). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system) a process has used so far, from /proc (Linux; 100 ticks a second). */
export function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time of a process and its children, for servers that fork a process per connection (PostgreSQL): its
 * own, its reaped children's (the kernel adds them to the parent on reaping) and its live children's, so a
 * backend that exits between two readings is neither lost nor counted twice.
 */
export function cpuMsWithChildren(pid: number): number {
  const fields = statFields(pid);
  let total = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) === pid) total += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL, no chance to clean up: a crash. */
  kill(): Promise<void>;
}

/** A child process as a `Child`; `stopSignal` is its graceful stop (PostgreSQL's fast shutdown is SIGINT). */
export function track(child: ChildProcess, stopSignal: NodeJS.Signals = 'SIGTERM'): Child {
  return {
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(stopSignal);
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Waits until the Temporal frontend at `address` answers, while `child` (the server) runs: false if it
 * exited or `timeoutMs` passed first.
 */
export async function waitForFrontend(address: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    } catch {
      await sleep(100);
    }
  }
  return false;
}

/**
 * `temporal server start-dev` on a SQLite file with the pragmas the SDK's own stress CI uses, as a child
 * process we can measure. Returns once it accepts connections.
 */
export async function startDevServer(reuse: { port?: number; db?: string; fairness?: boolean; dynamicConfig?: Record<string, string | number | boolean> } = {}): Promise<Child & { address: string; port: number; db: string }> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('no temporal CLI: run scripts/install-temporal-cli.sh');
  const port = reuse.port ?? (await freePort());
  const db = reuse.db ?? join(mkdtempSync(join(tmpdir(), 'temporal-')), 'temporal.db');
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', '--db-filename', db];
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  args.push(...devServerDynamicConfig(reuse.fairness, reuse.dynamicConfig));
  for (const key of WORK_ORDER_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  const child = spawn(cli, args, { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  if (await waitForFrontend(address, child, 30_000)) return { ...track(child), address, port, db };
  child.kill('SIGKILL');
  throw new Error('the dev server did not start');
}

/** How a command is started somewhere else, e.g. inside a network namespace. */
export type CommandWrapper = (command: string, args: string[]) => [string, string[]];

/** Runs a TypeScript entry point of this project (the sandbox, the worker) as its own process. */
export async function startNode(entry: string, env: NodeJS.ProcessEnv, readyLine: RegExp, wrap?: CommandWrapper): Promise<Child> {
  return await startCommand(process.execPath, ['--import', 'tsx', join(ROOT, entry)], env, readyLine, wrap);
}

/** Runs a command as its own process and returns once it prints `readyLine`. */
export async function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv, readyLine: RegExp, wrap?: CommandWrapper): Promise<Child> {
  const [wrappedCommand, wrappedArgs] = (wrap ?? ((c, a) => [c, a]))(command, args);
  const child = spawn(wrappedCommand, wrappedArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolveReady, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (readyLine.test(seen)) resolveReady();
    });
    child.once('exit', (code) => reject(new Error(`${[command, ...args].join(' ')} exited with ${code}`)));
  });
  child.stdout.resume();
  return track(child);
}
