import { z } from 'zod';
import { passedSoFar } from './zod-issues';

/** 2^63 − 1 in digits: after the regex, a 19-digit id is in range exactly when it sorts at or below this. */
const INT64_MAX_DIGITS = '9223372036854775807';

/**
 * A 64-bit Taobao id (order, sub-order, refund): a decimal string, because a JavaScript Number silently
 * rounds anything above 2^53. One rule for the work order's input and for the TOP client's parameters.
 */
export const decimalId = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a decimal string (a Number would lose digits beyond 2^53)') })
    .regex(/^[1-9]\d{0,18}$/, 'must be a positive decimal id of at most 19 digits')
    .refine((id) => id.length < INT64_MAX_DIGITS.length || id <= INT64_MAX_DIGITS, { message: 'exceeds the 64-bit id range', when: passedSoFar });
