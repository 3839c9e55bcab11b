/**
 * `work-order start|progress|complete|cancel|retry|status|list`: the client functions from a shell.
 * JSON input comes from a file argument or standard input; output is JSON on standard output.
 * Exit codes: 0 done, 2 invalid input or usage (nothing was started or sent), 1 anything else.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { InvalidInputError, WorkOrderClient, WorkOrderNotFoundError } from './client';

const USAGE = `usage:
  work-order start [FILE|-]              start a work order (JSON: workOrderId, seller, …)
  work-order progress ID [FILE|-]        report progress (JSON: progressId, node, data?)
  work-order complete ID [FILE|-]        complete (JSON: resultMessage, finalNode?, finalNodeData?)
  work-order cancel ID [FILE|-]          cancel (JSON: reason)
  work-order retry ID                    retry the step that failed permanently
  work-order status ID                   show the work order's status
  work-order list [--status S] [--node N] [--limit N]
Temporal: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TASK_QUEUE.`;

class UsageError extends Error {}

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runCli(argv: string[], io: CliIo, client: () => WorkOrderClient = () => WorkOrderClient.fromEnvironment()): Promise<number> {
  let connected: WorkOrderClient | undefined;
  const work = () => (connected ??= client());
  try {
    const result = await dispatch(argv, io, work);
    io.stdout.write(`${JSON.stringify(result ?? { ok: true }, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidInputError) {
      io.stderr.write(`${error.message}\n${error instanceof UsageError ? USAGE : ''}\n`);
      return 2;
    }
    io.stderr.write(`${describe(error)}\n`);
    return 1;
  } finally {
    await connected?.close();
  }
}

async function dispatch(argv: string[], io: CliIo, client: () => WorkOrderClient): Promise<unknown> {
  const [command, ...rest] = argv;
  const id = (): string => {
    if (!rest[0]) throw new UsageError(`${command} needs a work order id`);
    return rest[0];
  };
  switch (command) {
    case 'start':
      return await client().start((await readJson(rest[0], io)) as never);
    case 'progress':
      return await client().reportProgress(id(), (await readJson(rest[1], io)) as never);
    case 'complete':
      return await client().complete(id(), (await readJson(rest[1], io)) as never);
    case 'cancel':
      return await client().cancel(id(), (await readJson(rest[1], io)) as never);
    case 'retry':
      return await client().retry(id());
    case 'status':
      return await client().status(id());
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { status: { type: 'string' }, node: { type: 'string' }, limit: { type: 'string' } }, strict: true });
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      return await client().list({ status: values.status as never, node: values.node, limit });
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

/** The SDK's errors say what failed; their cause says why (e.g. the server cannot be reached). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof WorkOrderNotFoundError || !(error.cause instanceof Error)) return error.message;
  return `${error.message}: ${error.cause.message}`;
}

async function readJson(source: string | undefined, io: CliIo): Promise<unknown> {
  const raw = source === undefined || source === '-' ? await text(io.stdin) : await readFile(source, 'utf8').catch(() => {
    throw new UsageError(`cannot read ${source}`);
  });
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidInputError('JSON input', [`${source ?? 'standard input'} is not valid JSON`]);
  }
}

/** Entry point for bin/work-order.js. */
export function main(): void {
  void runCli(process.argv.slice(2), process).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
