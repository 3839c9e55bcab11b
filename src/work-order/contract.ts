/**
 * The contract for backends written against Temporal's other SDKs (Java, Go, Python): JSON Schema of
 * every payload the work-order workflow takes or answers, generated from the same zod schemas that
 * validate them here. `npm run contract` writes them to docs/contract/; the suite checks they are current.
 */
import { z } from 'zod';
import { defineWorkOrderSchemas } from './schemas';
import { progressAck, workOrderView } from './view';

const { workOrderInput, progressReport, completion, cancellation, stepSkip } = defineWorkOrderSchemas();

/** File name (without `.schema.json`) → schema, and whether it describes what is sent (input) or answered (output). */
const CONTRACT = {
  'start-input': { schema: workOrderInput, io: 'input', title: 'workOrderWorkflow argument: a new work order' },
  'progress-report': { schema: progressReport, io: 'input', title: 'reportProgress Update argument, and progress signal payload' },
  'progress-ack': { schema: progressAck, io: 'output', title: 'reportProgress Update result' },
  completion: { schema: completion, io: 'input', title: 'complete signal payload' },
  cancellation: { schema: cancellation, io: 'input', title: 'cancel signal payload' },
  'step-skip': { schema: stepSkip, io: 'input', title: "skip signal payload: an operator's reason to go on without the step that failed permanently" },
  'status-view': { schema: workOrderView, io: 'output', title: 'status query answer, and the workflow result' },
} as const;

/** Every contract schema as JSON Schema (draft 2020-12), by name. */
export function contractSchemas(): Map<string, object> {
  return new Map(Object.entries(CONTRACT).map(([name, { schema, io, title }]) => [name, { title, ...z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) }]));
}
