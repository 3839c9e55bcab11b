/**
 * `work-order <command>`: the client functions from a shell. JSON input comes from a file argument or
 * standard input; output is JSON on standard output. Exit codes are in EXIT below and in the README.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError, ProgressRefusedError, WorkOrderClient, WorkOrderClosedError, WorkOrderNotFoundError } from '../client';

export const EXIT = {
  /** Done; also a repeated complete/cancel of a closed work order, and a retry with nothing to retry. */
  ok: 0,
  /** Anything else: the server cannot be reached, TOP-independent failures of the request. */
  failed: 1,
  /** Invalid input or usage: nothing was started or sent. */
  invalid: 2,
  /** No work order with this id exists. */
  notFound: 3,
  /** Progress refused: the work order has closed or is closing. */
  closed: 4,
  /** Progress refused: the work order holds as much as it can carry (see ProgressRefusedError). */
  full: 5,
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/** What a command is given: its parsed arguments, the client (connected on first use), and the work order id argument. */
interface Invocation {
  client: () => WorkOrderClient;
  positionals: string[];
  values: Values;
  io: CliIo;
  /** The first argument, required. */
  id: () => string;
}

interface Command {
  /** Arguments after the command's name, as the usage shows them. */
  args: string;
  summary: string;
  options?: Options;
  run(invocation: Invocation): Promise<unknown>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    args: '[FILE|-]',
    summary: 'start a work order (JSON: workOrderId, seller, …); again with the same id finds it',
    run: async ({ client, positionals, io }) => await client().start((await readJson(positionals[0], io)) as never),
  },
  progress: {
    args: 'ID [FILE|-]',
    summary: 'report progress (JSON: progressId, node, data?); a closed work order refuses it',
    run: async ({ client, positionals, io, id }) => await client().reportProgress(id(), (await readJson(positionals[1], io)) as never),
  },
  complete: {
    args: 'ID [FILE|-]',
    summary: 'complete (JSON: resultMessage, finalNode?, finalNodeData?); repeating it is harmless',
    run: async ({ client, positionals, io, id }) => await client().complete(id(), (await readJson(positionals[1], io)) as never),
  },
  cancel: {
    args: 'ID [FILE|-]',
    summary: 'cancel (JSON: reason); repeating it is harmless',
    run: async ({ client, positionals, io, id }) => await client().cancel(id(), (await readJson(positionals[1], io)) as never),
  },
  retry: {
    args: 'ID | --status failed [--seller S] [--dry-run]',
    summary: 'retry the step that failed permanently: of one work order, or of every failed one (of a seller)',
    options: { status: { type: 'string' }, seller: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    run: async ({ client, positionals, values, io, id }) => {
      const batch = values.status !== undefined || values.seller !== undefined || values['dry-run'] !== undefined;
      if (!batch) return await client().retry(id());
      if (positionals.length) throw new UsageError('retry takes a work order id or --status failed, not both', 'retry');
      if (values.status !== 'failed') throw new UsageError('retry --status takes only "failed": those are the work orders waiting for an operator', 'retry');
      return await client().retryFailed({ seller: values.seller as string | undefined, dryRun: values['dry-run'] === true }, (count) => {
        io.stderr.write(`${count} failed work order${count === 1 ? '' : 's'} match${values['dry-run'] ? ' (dry run: nothing is signalled)' : ''}\n`);
      });
    },
  },
  skip: {
    args: 'ID --reason R',
    summary: 'carry on without the step that failed permanently (e.g. a closing call TOP keeps refusing); the reason is kept',
    options: { reason: { type: 'string' } },
    run: async ({ client, values, id }) => await client().skip(id(), { reason: values.reason as string }),
  },
  status: {
    args: 'ID',
    summary: "show the work order's status",
    run: async ({ client, id }) => await client().status(id()),
  },
  list: {
    args: '[--status S] [--node N] [--seller S] [--limit N]',
    summary: 'list work orders by status, node or seller',
    options: { status: { type: 'string' }, node: { type: 'string' }, seller: { type: 'string' }, limit: { type: 'string' } },
    run: async ({ client, positionals, values }) => {
      if (positionals.length) throw new UsageError(`list takes no arguments, got "${positionals[0]}"`, 'list');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      return await client().list({ status: values.status as never, node: values.node as string | undefined, seller: values.seller as string | undefined, limit });
    },
  },
  count: {
    args: '[--by-node]',
    summary: 'count running work orders by status (one query each); --by-node reads every one to count by node too',
    options: { 'by-node': { type: 'boolean' } },
    run: async ({ client, positionals, values }) => {
      if (positionals.length) throw new UsageError(`count takes no arguments, got "${positionals[0]}"`, 'count');
      return values['by-node'] ? await client().countOpen() : await client().countRunning();
    },
  },
};

const usageOf = (name: string): string => `  work-order ${name} ${COMMANDS[name]!.args}\n      ${COMMANDS[name]!.summary}`;

const USAGE = `usage: work-order <command> [arguments]   (work-order <command> --help for one command)
${Object.keys(COMMANDS).map(usageOf).join('\n')}

Temporal: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TASK_QUEUE.
Exit codes: ${EXIT.ok} done (also: already closed, nothing to retry) · ${EXIT.failed} other failure · ${EXIT.invalid} invalid input or usage, nothing sent ·
            ${EXIT.notFound} work order not found · ${EXIT.closed} progress refused, the work order is closed or closing ·
            ${EXIT.full} progress refused, the work order holds as much as it can (queue-full: send it again later)`;

class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show; the general usage otherwise. */
    readonly command?: string,
  ) {
    super(message);
  }
}

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
    if (typeof result === 'string') io.stdout.write(`${result}\n`);
    else io.stdout.write(`${JSON.stringify(result ?? { ok: true }, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n${error.command ? `usage:\n${usageOf(error.command)}` : USAGE}\n`);
      return EXIT.invalid;
    }
    io.stderr.write(`${describe(error)}\n`);
    if (error instanceof InvalidInputError) return EXIT.invalid;
    if (error instanceof WorkOrderNotFoundError) return EXIT.notFound;
    if (error instanceof WorkOrderClosedError) return EXIT.closed;
    if (error instanceof ProgressRefusedError) return EXIT.full;
    return EXIT.failed;
  } finally {
    await connected?.close();
  }
}

/** Runs the command; a string result is help text, anything else is printed as JSON. */
async function dispatch(argv: string[], io: CliIo, client: () => WorkOrderClient): Promise<unknown> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('no command given');
  if (name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0];
    if (about === undefined) return USAGE;
    if (!Object.hasOwn(COMMANDS, about)) throw new UsageError(`unknown command "${about}"`);
    return `usage:\n${usageOf(about)}`;
  }
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}"`);
  const command = COMMANDS[name]!;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, name);
  }
  if (parsed.values.help) return `usage:\n${usageOf(name)}`;
  const { positionals, values } = parsed;
  const id = (): string => {
    if (!positionals[0]) throw new UsageError(`${name} needs a work order id`, name);
    return positionals[0];
  };
  return await command.run({ client, positionals, values, io, id });
}

/** The SDK's errors say what failed; their cause says why (e.g. the server cannot be reached). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof WorkOrderNotFoundError || error instanceof WorkOrderClosedError || error instanceof ProgressRefusedError || !(error.cause instanceof Error)) return error.message;
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
