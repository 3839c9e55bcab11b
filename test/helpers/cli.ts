import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { Stack } from './stack';

const BIN = resolve(__dirname, '../../bin/work-order.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `work-order` command as a user would, against the stack's server and task queue. */
export function cliFor({ env, config }: Pick<Stack, 'env' | 'config'>): (args: string[], stdin?: string) => Promise<CliRun> {
  const cliEnv = { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE };
  return (args, stdin) =>
    new Promise((done) => {
      const child = execFile(process.execPath, [BIN, ...args], { env: cliEnv }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });
}
