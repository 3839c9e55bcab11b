import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { temporalCliPath } from '../../dev/temporal-server';

export const RESULTS_DIR = resolve(__dirname, '../results');

/** What the numbers were measured on: they mean nothing without it. */
export function machine() {
  const cli = temporalCliPath();
  const pkg = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    temporalSdk: pkg('@temporalio/worker'),
    temporalCli: cli ? execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim() : 'SDK download',
    undici: pkg('undici'),
    date: new Date().toISOString(),
  };
}

export type Row = Record<string, string | number>;

/** A Markdown table of every column any row has; numbers get 2 decimals below 10, 1 above. */
export function table(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const format = (value: string | number) => (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)) : value);
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${columns.map((c) => format(row[c] ?? '')).join(' | ')} |`),
  ].join('\n');
}

/** Prints a Markdown table and writes bench/results/<name>.json (and .md) with the machine it ran on; string extras follow the table. */
export function report(name: string, title: string, rows: Row[], extra: Record<string, unknown> = {}): string {
  const info = machine();
  const markdown = `### ${title}\n\n${table(rows)}\n\n${Object.entries(extra)
    .filter(([, v]) => typeof v === 'string')
    .map(([, v]) => `${String(v)}\n`)
    .join('')}\n_${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB; Node ${info.node}; Temporal SDK ${info.temporalSdk}; ${info.temporalCli}; ${info.date.slice(0, 10)}_\n`;
  console.log(`\n${markdown}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ name, title, machine: info, rows, ...extra }, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${name}.md`), markdown);
  return markdown;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
