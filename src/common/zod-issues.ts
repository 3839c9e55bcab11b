import type { z } from 'zod';

/**
 * One line per problem, each naming its field: `param.refund_id: must be a decimal id …`; configuration reads
 * `TOP_APP_KEY is required` (`between: ' '`). The one way every refusal of ours names what is wrong.
 */
export function describeIssues(error: z.ZodError, { root = '(input)', between = ': ' } = {}): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : root}${between}${issue.message}`);
}

/**
 * For a refinement that assumes the checks before it passed: zod runs refinements after a failed regex or
 * union too (those issues do not abort), and a refinement that throws on such a value throws out of the
 * parse, which in a workflow fails every workflow task instead of refusing the input.
 */
export const passedSoFar = (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0;
