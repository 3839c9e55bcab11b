/**
 * The shapes backend services send us, validated at every edge (client, CLI, Update validators) with
 * messages that name the field. Pure data: imported by workflow code too, so no Node or Temporal here.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { describeIssues, passedSoFar } from '../common/zod-issues';
import { utf8Length } from '../common/utf8';
import { decimalId } from './ids';

/** Longest JSON text accepted for one node's business data; more belongs in the ISV's own storage. */
export const MAX_NODE_DATA_BYTES = 8 * 1024;

/** The longest SLA: a deadline further out is no service level, and every deadline must be a date. */
export const MAX_SLA_MS = 365 * 24 * 60 * 60 * 1000;

export interface SchemaRules {
  /**
   * The rules since 1.0.1 (the default): every text is well-formed Unicode, since a lone UTF-16 surrogate
   * has no UTF-8 form and cannot reach TOP or Temporal's protobufs (in a fairness key it stopped every
   * worker that took the work order), and an SLA lies between 1 second and MAX_SLA_MS ahead. `false` is
   * 1.0.0's rules, which the workflow keeps for what runs recorded under 1.0.0 accepted, so they replay.
   */
  strict?: boolean;
}

/**
 * Builds the schemas. Outside workflows each user builds them once per process (client, contract); in the
 * workflow sandbox workflows/validation.ts builds them once per workflow thread and keeps them out of reach
 * of the SDK's deep freeze (zod finishes each schema lazily on its first use, which a frozen one refuses).
 */
export function defineWorkOrderSchemas({ strict = true }: SchemaRules = {}) {
  const decimal = decimalId();

  const workOrderId = z
    .string(required('must be a string'))
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be 1-64 letters, digits, _ . : - (starting with a letter or digit)');

  /**
   * Trimmed, non-empty text of at most `max` characters. One schema per length, shared by every field of
   * that length: zod schemas are immutable, and each one built is memory.
   */
  const texts = new Map<number, z.ZodString>();
  const text = (max: number): z.ZodString => {
    let schema = texts.get(max);
    if (!schema) {
      schema = z.string(required('must be a string')).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
      if (strict) schema = schema.refine((text) => text.isWellFormed(), NOT_WELL_FORMED);
      texts.set(max, schema);
    }
    return schema;
  };

  /** A node's business data: a JSON object, bounded in size so it cannot bloat the workflow history. */
  const nodeDataObject = z
    .record(z.string(), z.unknown(), required('must be a JSON object'))
    .refine((data) => utf8Length(JSON.stringify(data)) <= MAX_NODE_DATA_BYTES, `must be at most ${MAX_NODE_DATA_BYTES} bytes of JSON`);
  const nodeData = (strict ? nodeDataObject.refine((data) => allTextWellFormed(data), `every key and text ${NOT_WELL_FORMED}`) : nodeDataObject).meta({
    description: `The node's business data, passed to 店小蜜 as input_params: a JSON object of at most ${MAX_NODE_DATA_BYTES} bytes`,
  });

  /** `2 days`, `36h`, `90m`, or milliseconds. */
  const durationValue = z.union([
    z.int().positive(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?)$/i, 'must be a duration such as "48h" or "2 days"'),
  ]);
  const duration = (
    strict
      ? durationValue.refine(
          (value) => {
            const ms = msToNumber(value);
            return ms >= 1_000 && ms <= MAX_SLA_MS;
          },
          { message: `must be from 1 second to ${MAX_SLA_MS / 86_400_000} days`, when: passedSoFar },
        )
      : durationValue
  ).meta({ description: `Milliseconds, or a duration such as "48h" or "2 days"; from 1 second to ${MAX_SLA_MS / 86_400_000} days` });

  const workOrderInput = z.strictObject({
    /** The ISV's work order id; the workflow id is derived from it. */
    workOrderId,
    /** The seller (shop) whose TOP session key the worker uses. A reference: never the key itself. */
    seller: strict ? text(64).regex(/^[^\s"\\]+$/, 'must not contain spaces, quotes or backslashes (it is found by visibility queries)') : text(64).regex(/^[^\s]+$/, 'must not contain spaces'),
    bizOrderId: decimal.optional(),
    /** `work_order_type` for Qianniu; the value set is the ISV's agreement with the platform. */
    workOrderType: text(64).optional(),
    /** Description sent with the "created" event. */
    description: text(2000).optional(),
    buyer: z.strictObject({ nick: text(128).optional(), id: text(64).optional(), openId: text(128).optional() }).optional(),
    /** Qianniu event routing, passed through to `taobao.bcpush.isv.event.emit`. */
    qianniu: z
      .strictObject({
        sourceName: text(128).optional(),
        tenantCode: text(128).optional(),
        bizSceneCode: text(64).optional(),
        miniappSceneCode: text(64).optional(),
        planId: text(64).optional(),
      })
      .optional(),
    /** Present when the work order is an identification (鉴定) case: the case is opened and closed with it. */
    identification: z
      .strictObject({
        detailOrderId: decimal,
        refundId: decimal,
        /** `outer_case_id`; defaults to the work order id, so retries always name the same case. */
        caseId: text(64).optional(),
        openTips: text(500).optional(),
      })
      .optional(),
    /** Present when 店小蜜 (AliMe) opened the work order: its `async_code` and the first node to report. */
    alime: z
      .strictObject({
        asyncCode: text(128),
        firstNode: text(128).default('created'),
        firstNodeData: nodeData.optional(),
      })
      .optional(),
    /** A deadline for completion: escalate when it passes, then keep waiting or close as timed out. */
    sla: z.strictObject({ within: duration, onBreach: z.enum(['keep-waiting', 'close']).default('keep-waiting') }).optional(),
    /**
     * Continue-as-new once the history has this many events (the server's own suggestion also counts).
     * The default (src/workflows/run-length.ts) keeps the replay of an evicted work order short; tests set
     * it otherwise. Leave it unset in production.
     */
    historyEventLimit: z.int().min(10).max(50_000).optional(),
  });

  const progressReport = z.strictObject({
    /** The sender's id for this report: a report sent twice is applied once. */
    progressId: text(128),
    /** The node code, e.g. `inspecting`. */
    node: text(128),
    data: nodeData.optional(),
  });

  const completion = z.strictObject({
    resultMessage: text(2000),
    finalNode: text(128).default('completed'),
    finalNodeData: nodeData.optional(),
  });

  const cancellation = z.strictObject({ reason: text(500) });

  /** An operator's decision to go on without a step TOP keeps refusing; the reason is kept in the work order's steps. */
  const stepSkip = z.strictObject({ reason: text(500) });

  return { workOrderInput, progressReport, completion, cancellation, stepSkip };
}

const NOT_WELL_FORMED = 'must be well-formed Unicode (it holds a lone UTF-16 surrogate, which has no UTF-8 form)';

/** Whether every string in a JSON value, keys included, is well-formed Unicode. */
function allTextWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (Array.isArray(value)) return value.every(allTextWellFormed);
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([key, item]) => key.isWellFormed() && allTextWellFormed(item));
  return true;
}

/** "is required" when missing, else `wrongType`. */
const required = (wrongType: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : wrongType) });

export type WorkOrderSchemas = ReturnType<typeof defineWorkOrderSchemas>;
export type WorkOrderInput = z.output<WorkOrderSchemas['workOrderInput']>;
export type WorkOrderInputRaw = z.input<WorkOrderSchemas['workOrderInput']>;
export type ProgressReport = z.output<WorkOrderSchemas['progressReport']>;
export type ProgressReportRaw = z.input<WorkOrderSchemas['progressReport']>;
export type Completion = z.output<WorkOrderSchemas['completion']>;
export type CompletionRaw = z.input<WorkOrderSchemas['completion']>;
export type Cancellation = z.output<WorkOrderSchemas['cancellation']>;
export type StepSkip = z.output<WorkOrderSchemas['stepSkip']>;

/** `Invalid work order: alime.asyncCode: must not be empty; …` */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly what: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${what}: ${issues.join('; ')}`);
  }
}

/** Validates or throws an {@link InvalidInputError} naming every wrong field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(what, describeIssues(result.error));
}
