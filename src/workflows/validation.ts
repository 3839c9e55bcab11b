/**
 * What workflows receive, validated against schemas built once per workflow thread and shared by all its
 * workflows. This is the bundle's preloaded module (see src/worker/workflow-bundle.ts): with reuseV8Context the
 * bundle's other modules are evaluated again for each workflow, and built there, the schemas (about 100 zod
 * objects with their internals, ~100 KiB) were held again by every cached work order (bench/results/workflow-heap.md).
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

/**
 * Today's rules, and 1.0.0's for what a run recorded under 1.0.0 accepted: replaying it must take the same
 * messages again (see SchemaRules). Most messages pass both alike, and nothing need be decided; only where
 * today's rules refuse what 1.0.0's took does `todaysRules()` decide — the workflow's patch check, which
 * records its marker only then, so that an ordinary work order's history carries none.
 */
const current = defineWorkOrderSchemas();
const released = defineWorkOrderSchemas({ strict: false });
type Schemas = typeof current;

/** The message by today's rules; where only 1.0.0's take it, by those unless `todaysRules()`; else undefined. */
function underRules<K extends keyof Schemas>(name: K, raw: unknown, todaysRules: () => boolean): z.output<Schemas[K]> | undefined {
  const today = current[name].safeParse(raw);
  if (today.success) return today.data as z.output<Schemas[K]>;
  const before = released[name].safeParse(raw);
  return before.success && !todaysRules() ? (before.data as z.output<Schemas[K]>) : undefined;
}

/** The start input with defaults applied, or an InvalidInputError naming every field today's rules refuse. */
export function parseWorkOrderInput(raw: unknown, todaysRules: () => boolean): WorkOrderInput {
  return underRules('workOrderInput', raw, todaysRules) ?? parseOrThrow(current.workOrderInput, raw, 'work order');
}

/** For the progress Update's validator, never run in replay: today's rules, an InvalidInputError rejecting the Update. */
export const validProgressReport = (raw: unknown): ProgressReport => parseOrThrow(current.progressReport, raw, 'progress report');

/** For the progress Update's handler: what its validator took, today or under 1.0.0. */
export const acceptedProgressReport = (raw: unknown): ProgressReport => parseOrThrow(released.progressReport, raw, 'progress report');

/** Signals have no validator to refuse them: a malformed one reads as undefined. */
export const signalPayload = {
  progress: (raw: unknown, todaysRules: () => boolean): ProgressReport | undefined => underRules('progressReport', raw, todaysRules),
  completion: (raw: unknown, todaysRules: () => boolean): Completion | undefined => underRules('completion', raw, todaysRules),
  cancellation: (raw: unknown, todaysRules: () => boolean): Cancellation | undefined => underRules('cancellation', raw, todaysRules),
  skip: (raw: unknown, todaysRules: () => boolean): StepSkip | undefined => underRules('stepSkip', raw, todaysRules),
};
