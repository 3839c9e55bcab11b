import type { temporal } from '@temporalio/proto';

/**
 * Reading a work order's history for the benchmarks: what the server recorded and when, so the same
 * measure applies to ours and to the baseline (whose activities reach no gateway).
 */
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
/** What `WorkflowHandle.fetchHistory()` returns. */
export type History = temporal.api.history.v1.IHistory;

interface Event {
  kind: string;
  at: number;
  raw: HistoryEvent;
}

function events(history: History): Event[] {
  return (history.events ?? []).map((raw) => {
    const attributes = Object.keys(raw).find((key) => key.endsWith('EventAttributes') && raw[key as keyof HistoryEvent]);
    const time = raw.eventTime!;
    return { kind: attributes?.replace('EventAttributes', '') ?? 'unknown', at: Number(time.seconds) * 1000 + Math.round((time.nanos ?? 0) / 1e6), raw };
  });
}

/** The hops of closing, from the completion signal to the final 店小蜜 notification's activity (ms, server clock). */
export interface ClosingHops {
  signalledAt: number;
  /** An activity was still running when the signal arrived: closing had to wait for it. */
  busy: boolean;
  /** Signal recorded → the workflow task it caused starts in a worker. */
  workflowTaskScheduleToStart: number;
  /** That workflow task: worker picks it up → the server has its commands. */
  workflowTaskExecution: number;
  /** Final notification scheduled → an activity worker has it. */
  activityScheduleToStart: number;
  /** The activity, start → completion recorded. */
  activityExecution: number;
  /** Signal recorded → final notification's activity started. */
  signalToActivityStart: number;
  /** Signal recorded → the workflow closed. */
  signalToClosed: number;
}

export function closingHops(history: History, finalActivity = 'notifyAliMe'): ClosingHops | undefined {
  const all = events(history);
  const signalIndex = all.findIndex((e) => e.kind === 'workflowExecutionSignaled' && e.raw.workflowExecutionSignaledEventAttributes?.signalName === 'complete');
  if (signalIndex < 0) return undefined;
  const signal = all[signalIndex]!;
  const before = all.slice(0, signalIndex);
  const running = before.filter((e) => e.kind === 'activityTaskScheduled').length - before.filter((e) => /^activityTask(Completed|Failed|TimedOut|Canceled)$/.test(e.kind)).length;
  const kinds = all.map((e) => e.kind);
  const next = (kind: string, from: number) => kinds.indexOf(kind, from);
  const lastBefore = (kind: string, index: number) => kinds.lastIndexOf(kind, index - 1);
  // The last notification is the final one: earlier ones after the signal are progress still being sent.
  const finalIndex = all.map((e) => (e.kind === 'activityTaskScheduled' ? e.raw.activityTaskScheduledEventAttributes?.activityType?.name : undefined)).lastIndexOf(finalActivity);
  // The workflow task that scheduled it; it may have been scheduled just before the signal arrived.
  const completedIndex = lastBefore('workflowTaskCompleted', finalIndex);
  const startedIndex = lastBefore('workflowTaskStarted', completedIndex);
  const scheduledIndex = lastBefore('workflowTaskScheduled', startedIndex);
  const activityStarted = next('activityTaskStarted', finalIndex);
  const activityCompleted = next('activityTaskCompleted', finalIndex);
  const closed = all.findIndex((e) => /^workflowExecution(Completed|Failed|Canceled|Terminated|TimedOut|ContinuedAsNew)$/.test(e.kind));
  if (finalIndex < signalIndex || scheduledIndex < 0 || activityStarted < 0 || activityCompleted < 0 || closed < 0) return undefined;
  const at = (index: number) => all[index]!.at;
  return {
    signalledAt: signal.at,
    busy: running > 0,
    workflowTaskScheduleToStart: at(startedIndex) - Math.max(at(scheduledIndex), signal.at),
    workflowTaskExecution: at(completedIndex) - at(startedIndex),
    activityScheduleToStart: at(activityStarted) - at(finalIndex),
    activityExecution: at(activityCompleted) - at(activityStarted),
    signalToActivityStart: at(activityStarted) - signal.at,
    signalToClosed: at(closed) - signal.at,
  };
}

/** What one work order costs the server: events, workflow tasks and commands of each kind. */
export function historyCounts(history: History): Record<string, number> {
  const all = events(history);
  const count = (kind: string) => all.filter((e) => e.kind === kind).length;
  return {
    'history events': all.length,
    'workflow tasks': count('workflowTaskCompleted'),
    activities: count('activityTaskScheduled'),
    'search attribute upserts': count('upsertWorkflowSearchAttributes'),
    markers: count('markerRecorded'),
    timers: count('timerStarted'),
    'updates accepted': count('workflowExecutionUpdateAccepted'),
    signals: count('workflowExecutionSignaled'),
  };
}

/** The hops of opening, from the workflow's start to its first activity's start (ms, server clock). */
export interface OpeningHops {
  startedAt: number;
  /** Started → the first workflow task starts in a worker (it waits on the task queue, fairly). */
  firstWorkflowTaskScheduleToStart: number;
  /** That task: worker picks it up → the server has its commands (the first activity scheduled). */
  firstWorkflowTaskExecution: number;
  /** First activity scheduled → an activity worker has it (the quota's backlog, by priority and fairness). */
  firstActivityScheduleToStart: number;
  /** The first activity's start, server clock. */
  firstActivityStartedAt: number;
}

/** A workflow's first workflow task, server clock: when a worker took it and when the worker answered. */
export function firstWorkflowTask(history: History): { takenAt: number; answeredAt: number } | undefined {
  const all = events(history);
  const taken = all.find((e) => e.kind === 'workflowTaskStarted');
  const answered = all.find((e) => e.kind === 'workflowTaskCompleted');
  return taken && answered ? { takenAt: taken.at, answeredAt: answered.at } : undefined;
}

export function openingHops(history: History): OpeningHops | undefined {
  const all = events(history);
  const kinds = all.map((e) => e.kind);
  const firstTask = firstWorkflowTask(history);
  const scheduled = kinds.indexOf('activityTaskScheduled');
  const started = kinds.indexOf('activityTaskStarted', scheduled);
  if (!firstTask || scheduled < 0 || started < 0) return undefined;
  const at = (index: number) => all[index]!.at;
  return {
    startedAt: at(0),
    firstWorkflowTaskScheduleToStart: firstTask.takenAt - at(0),
    firstWorkflowTaskExecution: firstTask.answeredAt - firstTask.takenAt,
    firstActivityScheduleToStart: at(started) - at(scheduled),
    firstActivityStartedAt: at(started),
  };
}
