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

/**
 * Today's rules for what arrives now, and 1.0.0's for what a run recorded under 1.0.0 accepted: replaying
 * it must take the same messages again (see SchemaRules). The caller says which (`strict`).
 */
const current = defineWorkOrderSchemas();
const released = defineWorkOrderSchemas({ strict: false });
const rules = (strict: boolean) => (strict ? current : released);

/** The start input with defaults applied, or an InvalidInputError naming every wrong field. */
export const parseWorkOrderInput = (raw: unknown, strict: boolean): WorkOrderInput => parseOrThrow(rules(strict).workOrderInput, raw, 'work order');

/**
 * For the progress Update: its validator (never run in replay) takes today's rules, an InvalidInputError
 * rejecting the Update; its handler takes what the validator took, or what 1.0.0's validator took.
 */
export const parseProgressReport = (raw: unknown, strict: boolean): ProgressReport => parseOrThrow(rules(strict).progressReport, raw, 'progress report');

/** Signals have no validator to refuse them: a malformed one reads as undefined. */
export const signalPayload = {
  progress: (raw: unknown, strict: boolean): ProgressReport | undefined => rules(strict).progressReport.safeParse(raw).data,
  completion: (raw: unknown, strict: boolean): Completion | undefined => rules(strict).completion.safeParse(raw).data,
  cancellation: (raw: unknown, strict: boolean): Cancellation | undefined => rules(strict).cancellation.safeParse(raw).data,
  skip: (raw: unknown, strict: boolean): StepSkip | undefined => rules(strict).stepSkip.safeParse(raw).data,
};
