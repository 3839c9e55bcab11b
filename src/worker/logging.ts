import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { workOrderIdOf } from '../work-order/temporal-names';

/**
 * The worker's logger: one JSON object per line when standard output is not a terminal (for log
 * shippers), the SDK's readable format when it is. Every line about a work order carries `workOrderId`,
 * derived from the workflow id the SDK already attaches to workflow and activity logs.
 */
export function createLogger(level: LogLevel = 'INFO', json = !process.stdout.isTTY, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): WorkerLogger {
  let lastError: string | undefined;
  const remember = (entry: LogEntry) => {
    if (entry.level === 'ERROR') lastError = describeError(entry);
  };
  const tty = new DefaultLogger(level);
  const logger = new DefaultLogger(level, (entry) => {
    remember(entry);
    if (json) write(toJsonLine(entry));
    else tty.log(entry.level, entry.message, entry.meta);
  });
  return Object.assign(logger, { lastError: () => lastError });
}

/** The worker's logger, which remembers the last error logged (the cause of a fatal stop, logged by the SDK). */
export type WorkerLogger = DefaultLogger & { lastError(): string | undefined };

function describeError(entry: LogEntry): string {
  const error: unknown = entry.meta?.error;
  return error instanceof Error ? `${entry.message}: ${error.message}` : entry.message;
}

export function toJsonLine(entry: LogEntry): string {
  const meta = { ...(entry.meta ?? {}) } as Record<string, unknown>;
  if (meta.workOrderId === undefined && typeof meta.workflowId === 'string') meta.workOrderId = workOrderIdOf(meta.workflowId);
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  // The entry's own time, level and message win over metadata keys of the same name.
  return JSON.stringify({ ...meta, time, level: entry.level, message: entry.message }, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : typeof value === 'bigint' ? value.toString() : value,
  );
}
