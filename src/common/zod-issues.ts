import type { z } from 'zod';

/**
 * One line per problem, each naming its field: `param.refund_id: must be a decimal id …`; configuration reads
 * `TOP_APP_KEY is required` (`between: ' '`). The one way every refusal of ours names what is wrong.
 */
export function describeIssues(error: z.ZodError, { root = '(input)', between = ': ' } = {}): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : root}${between}${issue.message}`);
}
