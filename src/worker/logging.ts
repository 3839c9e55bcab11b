import { DefaultLogger, type LogEntry, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { workOrderIdOf } from '../work-order/temporal-names';

/**
 * The worker's logger: one JSON object per line when standard output is not a terminal (for log
 * shippers), the SDK's readable format when it is. Every line about a work order carries `workOrderId`,
 * derived from the workflow id the SDK already attaches to workflow and activity logs.
 */
export function createLogger(level: LogLevel = 'INFO', json = !process.stdout.isTTY, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): WorkerLogger {
  return json ? new WorkerLogger(level, (entry) => write(toJsonLine(entry))) : new WorkerLogger(level);
}

/** The worker's logger, which remembers the last error logged: the cause of a fatal stop, which the SDK logs. */
export class WorkerLogger extends DefaultLogger {
  #lastError: string | undefined;

  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (level === 'ERROR') this.#lastError = meta?.error instanceof Error ? `${message}: ${meta.error.message}` : message;
    super.log(level, message, meta);
  }

  lastError(): string | undefined {
    return this.#lastError;
  }
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
