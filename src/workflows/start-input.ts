import { ApplicationFailure, patched } from '@temporalio/workflow';
import { InvalidInputError, type WorkOrderInput, type WorkOrderInputRaw } from '../work-order/schemas';
import { STRICT_INPUT } from './patches';
import { parseWorkOrderInput } from './validation';

/**
 * The start input, validated as the client validates it (backends on other SDKs start work orders
 * directly), with defaults applied. Invalid input fails the workflow at once, naming the fields, before
 * anything is sent to TOP: a thrown plain error would instead retry the workflow task forever. A new work
 * order is held to today's rules; a continued run's input was accepted by its first run, under its rules.
 */
export function startInput(raw: WorkOrderInputRaw, continued: boolean): WorkOrderInput {
  try {
    return parseWorkOrderInput(raw, () => !continued && patched(STRICT_INPUT));
  } catch (error) {
    if (error instanceof InvalidInputError) throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
    throw error;
  }
}
