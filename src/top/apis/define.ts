import { z } from 'zod';
import { describeIssues } from '../../common/zod-issues';
import type { TopCallOptions, TopClient } from '../client';
import { classifyBusinessResult, TopError, TopInputError } from '../errors';
import type { TopParamValue } from '../params';

/** The business verdict inside a success envelope. */
export interface BusinessOutcome {
  ok: boolean;
  errorCode?: string | number;
  errorMessage?: string;
}

export interface TopApiDefinition<Req extends z.ZodType, Res extends z.ZodType> {
  method: string;
  /** Whether the API page is labelled 需要授权 (called with the seller's session key). */
  needsSession: boolean;
  request: Req;
  /** The validated request as TOP parameters (objects become JSON text on the wire). */
  toParams: (request: z.output<Req>) => Record<string, TopParamValue>;
  response: Res;
  outcome: (response: z.output<Res>) => BusinessOutcome;
}

export type TopApiCall<Req extends z.ZodType, Res extends z.ZodType> = ((
  client: TopClient,
  request: z.input<Req>,
  options?: TopCallOptions,
) => Promise<z.output<Res>>) & { readonly definition: TopApiDefinition<Req, Res> };

/**
 * Builds the typed function for one TOP API: validate the input (before any HTTP call, naming the
 * field), call, validate the wrapper's content, and turn a failed business result into a TopError.
 */
export function defineTopApi<Req extends z.ZodType, Res extends z.ZodType>(definition: TopApiDefinition<Req, Res>): TopApiCall<Req, Res> {
  const { method } = definition;
  const call = async (client: TopClient, request: z.input<Req>, options: TopCallOptions = {}): Promise<z.output<Res>> => {
    const parsedRequest = definition.request.safeParse(request);
    if (!parsedRequest.success) throw new TopInputError(method, describeIssues(parsedRequest.error));
    if (definition.needsSession && !options.session) throw new TopInputError(method, ['session: this API needs the seller\'s session key']);

    return await client.call(method, definition.toParams(parsedRequest.data), options, (body) => {
      const parsedResponse = definition.response.safeParse(body);
      if (!parsedResponse.success) {
        throw new TopError({ method, source: 'protocol', classification: 'configuration', msg: 'unexpected response shape', subMsg: describeIssues(parsedResponse.error).join('; ') });
      }
      const outcome = definition.outcome(parsedResponse.data);
      if (!outcome.ok) {
        throw new TopError({
          method,
          source: 'business-result',
          classification: classifyBusinessResult(outcome.errorCode),
          code: outcome.errorCode,
          msg: 'business result failed',
          subMsg: outcome.errorMessage,
        });
      }
      return parsedResponse.data;
    });
  };
  return Object.assign(call, { definition });
}
