import { Context } from '@temporalio/activity';
import { alimiProgressNotify, bcpushEventEmit, rdcIdentificationCaseUpdate, TopError, type TopCallOptions, type TopClient } from '../top';
import { DEFAULT_STATUS_CODES, type WorkOrderStatusCodes } from '../work-order/events';
import { SessionNotFoundError, type SessionStore } from './sessions';
import { aliMeNotifyParams, caseUpdateParams, eventEmitParams, type AliMeNotificationInput, type CaseUpdateInput, type EmitEventInput } from './top-requests';

export type { AliMeNotificationInput, CaseUpdateInput, EmitEventInput };

/** Left of an attempt after the longest call, for the activity's own work. */
const HOLD_MARGIN_MS = 1_000;

export interface ActivityDependencies {
  top: TopClient;
  sessions: SessionStore;
  statusCodes?: WorkOrderStatusCodes;
}

/**
 * One activity per TOP call, each a thin adapter: the work order's terms become the API's request
 * (top-requests.ts), sent with the seller's session key and the activity's cancellation and time limits.
 */
export function createActivities({ top, sessions, statusCodes = DEFAULT_STATUS_CODES }: ActivityDependencies) {
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
    return {
      session,
      signal: context.cancellationSignal,
      maxWaitMs: Math.max(0, context.info.startToCloseTimeoutMs - top.requestTimeoutMs - HOLD_MARGIN_MS),
      whileHeld: () => context.heartbeat(),
    };
  };

  return {
    async emitWorkOrderEvent(input: EmitEventInput): Promise<void> {
      await withSession(input.seller, (session) => bcpushEventEmit(top, eventEmitParams(input, statusCodes), callOptions(session)));
    },

    async updateIdentificationCase(input: CaseUpdateInput): Promise<void> {
      await withSession(input.seller, (session) => rdcIdentificationCaseUpdate(top, caseUpdateParams(input), callOptions(session)));
    },

    async notifyAliMe(input: AliMeNotificationInput): Promise<void> {
      await alimiProgressNotify(top, aliMeNotifyParams(input), callOptions());
    },
  };
}

export type WorkOrderActivities = ReturnType<typeof createActivities>;
