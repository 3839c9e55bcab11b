/**
 * What a work order looks like from outside: the answer to the status query and the workflow's result.
 * Written as schemas so the published contract (docs/contract/) is generated from the same source as the
 * types. Workflow code imports only the types from here, so none of this is evaluated in the workflow sandbox.
 */
import { z } from 'zod';

/** The statuses a work order ends in by itself: how its workflow's result says it closed. */
export const FINAL_STATUSES = ['completed', 'cancelled', 'timed-out'] as const;

export const workOrderStatus = z
  .enum(['opening', 'open', 'escalated', 'failed', 'closing', ...FINAL_STATUSES])
  .meta({
    description:
      'opening: being created on TOP (event, case, first node) · open: waiting for progress and completion · escalated: open past its SLA deadline · ' +
      "failed: a TOP call failed permanently, waiting for an operator's retry or skip (or, before closing, cancellation or the SLA's close) · closing: completion, cancellation or timeout received, " +
      'closing on TOP · completed · cancelled · timed-out',
  });

export const stepName = z.enum(['emit-created-event', 'open-case', 'notify-first-node', 'notify-node', 'notify-final-node', 'close-case', 'emit-closing-event']);

/** Whether something the work order opens on TOP exists there: `unknown` when its call may have reached TOP but no answer came back. */
export const onTopState = z.enum(['no', 'yes', 'unknown']);

export const stepFailure = z.object({
  type: z.string().meta({ description: '`TopError:business`, `TopError:authorization`, `TopInputError`, …' }),
  message: z.string(),
  classification: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional().meta({ description: "TOP's error code" }),
  subCode: z.string().optional().meta({ description: "TOP's sub_code" }),
});

export const stepRecord = z.object({
  step: stepName,
  node: z.string().optional().meta({ description: 'The node it concerned, for 店小蜜 notifications' }),
  at: z.string().meta({ description: 'ISO time the step happened (workflow time)' }),
  outcome: z.enum(['ok', 'failed', 'skipped']),
  failure: stepFailure.optional(),
  skipReason: z.string().optional().meta({ description: "The operator's reason, for a step skipped while it waited for an operator" }),
});

export const workOrderView = z.object({
  workOrderId: z.string(),
  seller: z.string().meta({ description: "The seller (shop) whose session key the work order's TOP calls use" }),
  status: workOrderStatus,
  createdAt: z.string().meta({ description: 'ISO time the work order was created; its first node carries this time' }),
  currentNode: z.string(),
  waitingFor: z.string().meta({ description: 'What the work order is waiting for, in words' }),
  steps: z.array(stepRecord).meta({ description: 'The most recent steps, oldest first (bounded; stepCount counts them all)' }),
  stepCount: z.int(),
  lastError: stepFailure.extend({ step: stepName, at: z.string() }).optional(),
  onTop: z.object({ createdEvent: onTopState, case: onTopState }).meta({
    description:
      'What exists on TOP and must be closed: `yes` once the step succeeded; `no` before, or when TOP refused it; `unknown` when it was cut short (cancellation, an hour of timeouts) after it may have reached TOP. Closing sends an `unknown` one again first (same event_id / outer_case_id), then closes it: right whether or not it had arrived.',
  }),
  escalatedAt: z.string().optional(),
  slaDeadline: z.string().optional(),
  progressReceived: z.int(),
  progressPending: z.int().meta({ description: 'Progress reports not yet sent to 店小蜜' }),
  rejectedMessages: z.int().meta({ description: 'Malformed messages that arrived by signal (an Update rejects them before they are recorded)' }),
  closedAt: z.string().optional(),
  closingReason: z.string().optional(),
});

/** The answer to the `reportProgress` Update. */
export const progressAck = z.object({
  accepted: z.boolean().meta({ description: 'False when this progressId was already received: nothing new was queued' }),
  progressReceived: z.int(),
});

export type WorkOrderStatus = z.output<typeof workOrderStatus>;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
/** What a closed work order closed as: its own final status, or how Temporal ended its workflow otherwise. */
export type ClosedStatus = FinalStatus | 'terminated' | 'workflow-failed' | 'workflow-timed-out';

export const isFinalStatus = (status: string | undefined): status is FinalStatus => (FINAL_STATUSES as readonly (string | undefined)[]).includes(status);
export type StepName = z.output<typeof stepName>;
export type OnTopState = z.output<typeof onTopState>;
export type StepFailure = z.output<typeof stepFailure>;
export type StepRecord = z.output<typeof stepRecord>;
export type WorkOrderView = z.output<typeof workOrderView>;
export type ProgressAck = z.output<typeof progressAck>;
