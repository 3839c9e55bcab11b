import { Context } from '@temporalio/activity';
import { alimiProgressNotify, bcpushEventEmit, rdcIdentificationCaseUpdate, TopError, type TopCallOptions, type TopClient } from '../top';
import { DEFAULT_STATUS_CODES, type WorkOrderStatusCodes } from '../work-order/events';
import { SessionNotFoundError, type SessionStore } from './sessions';
import { aliMeNotifyParams, caseUpdateParams, eventEmitParams, type AliMeNotificationInput, type CaseUpdateInput, type EmitEventInput } from './top-requests';

export type { AliMeNotificationInput, CaseUpdateInput, EmitEventInput };

/** Left of an attempt after the longest call, for the activity's own work. */
const HOLD_MARGIN_MS = 1_000;

/**
 * The longest a local activity (a call inside a workflow task) waits for the budget or a ban before it
 * gives up unsent: the workflow then sends the call as a regular activity, which waits on the server's
 * queue, where priorities and fair shares apply, instead of holding the workflow task.
 */
export const LOCAL_HOLD_MS = 1_000;

/**
 * A local call the worker did not send: the budget or a ban would have held it, or local calls are off.
 * An answer, not a failure: the workflow task completes at once, and the workflow sends the call as a
 * regular activity (a failed local activity is kept for transient trouble TOP answered).
 */
export interface NotSentLocally {
  notSent: string;
}

export const isNotSentLocally = (result: unknown): result is NotSentLocally => typeof (result as NotSentLocally | undefined)?.notSent === 'string';

export interface ActivityDependencies {
  top: TopClient;
  sessions: SessionStore;
  statusCodes?: WorkOrderStatusCodes;
  /**
   * Whether calls may run as local activities. Not with a per-seller ceiling: the server enforces it on the
   * activity queue, which local activities bypass, so each is declined unsent and goes as a regular one.
   */
  localCalls?: boolean;
}

/**
 * One activity per TOP call, each a thin adapter: the work order's terms become the API's request
 * (top-requests.ts), sent with the seller's session key and the activity's cancellation and time limits.
 */
export function createActivities({ top, sessions, statusCodes = DEFAULT_STATUS_CODES, localCalls = true }: ActivityDependencies) {
  /** Calls TOP with the seller's session key; a refused key is not used again before the store is re-read. */
  const withSession = async (seller: string, call: (session: string) => Promise<unknown>): Promise<void> => {
    const session = await sessions.sessionFor(seller);
    if (!session) throw new SessionNotFoundError(seller);
    try {
      await call(session);
    } catch (error) {
      if (error instanceof TopError && error.classification === 'authorization') sessions.keyRejected(seller);
      throw error;
    }
  };
  /**
   * Per call: cancellation aborts the HTTP call (worker shutdown, timeout, cancellation); a call held by a
   * ban or the budget waits inside the attempt, heartbeating, for as long as the attempt leaves room for the
   * call itself; a longer wait fails the attempt unsent, and Temporal retries it when the wait is over.
   */
  const callOptions = (session?: string): TopCallOptions => {
    const context = Context.current();
    const { isLocal, startToCloseTimeoutMs } = context.info;
    return {
      session,
      signal: context.cancellationSignal,
      maxWaitMs: isLocal ? LOCAL_HOLD_MS : Math.max(0, startToCloseTimeoutMs - top.requestTimeoutMs - HOLD_MARGIN_MS),
      whileHeld: isLocal ? undefined : () => context.heartbeat(),
    };
  };

  return {
    async emitWorkOrderEvent(input: EmitEventInput): Promise<void> {
      await withSession(input.seller, (session) => bcpushEventEmit(top, eventEmitParams(input, statusCodes), callOptions(session)));
    },

    async updateIdentificationCase(input: CaseUpdateInput): Promise<void> {
      await withSession(input.seller, (session) => rdcIdentificationCaseUpdate(top, caseUpdateParams(input), callOptions(session)));
    },

    async notifyAliMe(input: AliMeNotificationInput): Promise<NotSentLocally | undefined> {
      const { isLocal } = Context.current().info;
      if (isLocal && !localCalls) return { notSent: 'local calls off (TOP_SELLER_CALLS_PER_SECOND)' };
      try {
        await alimiProgressNotify(top, aliMeNotifyParams(input), callOptions());
        return undefined;
      } catch (error) {
        if (isLocal && error instanceof TopError && error.source === 'gate') return { notSent: 'held back by the budget or a ban' };
        throw error;
      }
    },
  };
}

export type WorkOrderActivities = ReturnType<typeof createActivities>;
