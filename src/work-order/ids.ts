import { z } from 'zod';

const INT64_MAX = 2n ** 63n - 1n;

/**
 * For a refinement that assumes the checks before it passed: zod runs refinements after a failed regex or
 * union too (those issues do not abort), and a refinement that throws on such a value (BigInt of `"!"`)
 * throws out of the parse, which in a workflow fails every workflow task instead of refusing the input.
 */
export const passedSoFar = (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0;

/**
 * The schema of a 64-bit Taobao id (order, sub-order, refund) in a work order: a decimal string, because a JavaScript
 * Number silently rounds anything above 2^53. The TOP client applies the same rule on the wire on its
 * own (src/top/apis/fields.ts): the vocabulary loads no protocol code into workflows.
 */
export const decimalId = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a decimal string (a Number would lose digits beyond 2^53)') })
    .regex(/^[1-9]\d{0,18}$/, 'must be a positive decimal id of at most 19 digits')
    .refine((id) => BigInt(id) <= INT64_MAX, { message: 'exceeds the 64-bit id range', when: passedSoFar })
    .meta({ description: 'A 64-bit Taobao id as a decimal string (at most 2^63-1); never a JSON number, which loses digits beyond 2^53' });
