/**
 * What workflows receive, validated against schemas built once per workflow thread and shared by all its
 * workflows. This is the bundle's preloaded module (see src/worker/workflow-bundle.ts): with reuseV8Context the
 * bundle's other modules are evaluated again for each workflow, and built there, the schemas (about 100 zod
 * objects with their internals, ~100 KiB) were held again by every cached work order (benchmark 7).
 *
 * The SDK deep-freezes everything a preloaded module exports, and zod finishes each schema lazily on its
 * first use, which a frozen schema refuses: so the schemas live in this module's scope and only functions
 * are exported. Sharing them is deterministic: a schema keeps no state that depends on what it parsed.
 */
import { z } from 'zod';
import { defineWorkOrderSchemas, parseOrThrow, type Cancellation, type Completion, type ProgressReport, type StepSkip, type WorkOrderInput } from '../work-order/schemas';

/**
 * No generated parsers: no code generation in the workflow sandbox, for parsers that take microseconds
 * without it (a work order's four messages, about 6 µs). Set before the schemas are built: zod reads it then.
 */
z.config({ jitless: true });

const schemas = defineWorkOrderSchemas();

/** The start input with defaults applied, or an InvalidInputError naming every wrong field. */
export const parseWorkOrderInput = (raw: unknown): WorkOrderInput => parseOrThrow(schemas.workOrderInput, raw, 'work order');

/** For the progress Update's validator and handler: an InvalidInputError rejects the Update. */
export const parseProgressReport = (raw: unknown): ProgressReport => parseOrThrow(schemas.progressReport, raw, 'progress report');

/** Signals have no validator to refuse them: a malformed one reads as undefined. */
export const signalPayload = {
  progress: (raw: unknown): ProgressReport | undefined => schemas.progressReport.safeParse(raw).data,
  completion: (raw: unknown): Completion | undefined => schemas.completion.safeParse(raw).data,
  cancellation: (raw: unknown): Cancellation | undefined => schemas.cancellation.safeParse(raw).data,
  skip: (raw: unknown): StepSkip | undefined => schemas.stepSkip.safeParse(raw).data,
};
