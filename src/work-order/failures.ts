/**
 * What a failed TOP step tells the workflow: the record the activities' one retry-decision place
 * (activities/top-failures.ts) puts first in a failure's details, and the workflow reads back for the work
 * order's status. Never a session key or a request parameter.
 */
export interface StepFailureDetails {
  /** How the failure was classified: transient, rate-limited, business, authorization, configuration. */
  classification: string;
  /** The TOP API, when the failure came from a call. */
  method?: string;
  /** TOP's error code and sub_code, when TOP answered with one. */
  code?: string | number;
  subCode?: string;
  /** Where it went wrong: TOP's answer, the network, an unreadable body, or held back unsent. */
  source?: string;
  /** TOP's own words. */
  msg?: string;
  subMsg?: string;
  requestId?: string;
  httpStatus?: number;
  /** For a ban: how long TOP said it lasts. */
  retryAfterMs?: number;
  /** No session key is configured for this seller. */
  seller?: string;
  /** Input TOP would refuse: what is wrong with each field. */
  issues?: readonly string[];
}

/**
 * Reads back, from a failure's details, what the work order's status shows. Failures recorded by older
 * code or raised by other SDKs' activities may carry anything, so every field is checked rather than cast.
 */
export function readStepFailureDetails(details: readonly unknown[] | null | undefined): Partial<StepFailureDetails> {
  const first: unknown = details?.[0];
  if (typeof first !== 'object' || first === null) return {};
  const { classification, code, subCode } = first as Record<string, unknown>;
  return {
    classification: typeof classification === 'string' ? classification : undefined,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    subCode: typeof subCode === 'string' ? subCode : undefined,
  };
}
