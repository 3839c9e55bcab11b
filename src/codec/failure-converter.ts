import { DefaultFailureConverter } from '@temporalio/common';

/** Failure messages and stack traces go through the payload codec too (they may quote buyer data). */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
