import { Runtime, type Worker } from '@temporalio/worker';

export interface FatalStopWatch {
  /** Why the worker stopped on its own; undefined while it runs or stops because it was asked to. */
  readonly fatal: string | undefined;
  stop(): void;
}

/**
 * The SDK stops a worker on a fatal error (a command Core cannot decode, a lost connection it gives up on)
 * without ending the process: the state leaves RUNNING and `run()` may wait a long time for polls to end,
 * while the process looks alive. A process whose worker stopped unasked must not stay up: `onFatal` is
 * called once, at once, so that liveness and readiness fail and the process exits for its supervisor to
 * restart it. A stop asked for by one of the runtime's shutdown signals is no fatal stop.
 */
export function watchForFatalStop(worker: Pick<Worker, 'getState'>, onFatal: (why: string) => void, intervalMs = 250): FatalStopWatch {
  const { shutdownSignals } = Runtime.instance().options;
  let asked = false;
  let fatal: string | undefined;
  const askedToStop = () => (asked = true);
  for (const signal of shutdownSignals) process.on(signal, askedToStop);
  const timer = setInterval(() => {
    const state = worker.getState();
    if (asked || state === 'RUNNING' || state === 'INITIALIZED') return;
    fatal = `the Temporal worker stopped on its own (state ${state})`;
    watch.stop();
    onFatal(fatal);
  }, intervalMs);
  const watch: FatalStopWatch = {
    get fatal() {
      return fatal;
    },
    stop() {
      clearInterval(timer);
      for (const signal of shutdownSignals) process.off(signal, askedToStop);
    },
  };
  return watch;
}
