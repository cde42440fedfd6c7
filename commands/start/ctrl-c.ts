/**
 * One Ctrl-C can arrive more than once: a terminal signals its whole foreground process group, and the
 * wrappers in it (npm's run-script, tsx's CLI) relay the signal to their child too, a few to some tens
 * of milliseconds later. Signals this close to the one before count as that one; a second Ctrl-C given
 * on purpose comes later.
 *
 * What no handler here can prevent: tsx's CLI (`tsx commands/start/start.ts`) waits 30 ms for this
 * process to acknowledge each SIGINT it gets, relays it if not, waits 30 ms more and then SIGKILLs this
 * process. A Ctrl-C while this event loop is held up for ~60 ms (a loaded machine) thus ends the run at
 * once: no drain, no summary (DynamoDB Local is then stopped by its watchdog; the checkpoints are those of
 * the last batch done). `npm start` runs `node --import tsx commands/start/start.ts`, which has no such wrapper.
 */
const SAME_CTRL_C_MS = 1_000;

/** What Ctrl-C (or SIGTERM) asks of the demo, the first, second and third time. */
export interface StopRequests {
  /** First: stop producing, drain, checkpoint, summary, verify, stop the servers. */
  readonly stop: AbortSignal;
  /** Second: stop draining (or verifying) now, checkpoint the in-flight batch, stop, exit 130. */
  readonly force: AbortSignal;
  /** Once the cloud is up there is something to save; before, a second Ctrl-C quits at once. */
  cloudIsUp(): void;
}

/** Where the signals come from: the process, or a stand-in in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Listens for SIGINT and SIGTERM for the rest of the process. */
export const listenForCtrlC = (
  source: SignalSource = process,
  exit: (code: number) => void = (code) => process.exit(code),
): StopRequests => {
  const stop = new AbortController();
  const force = new AbortController();
  let lastSignalMs = 0;
  let cloudUp = false;
  const onSignal = () => {
    const now = Date.now();
    if (now - lastSignalMs < SAME_CTRL_C_MS) return;
    lastSignalMs = now;
    if (!stop.signal.aborted) {
      process.stderr.write(
        '\nstopping: no new events; the consumers catch up, then checkpoints are saved (Ctrl-C again to stop without catching up)\n',
      );
      stop.abort();
    } else if (!force.signal.aborted && cloudUp) {
      process.stderr.write(
        '\nstopping now: the in-flight batch is checkpointed, the rest stays in the stream (Ctrl-C again to quit at once)\n',
      );
      force.abort();
    } else {
      // Still starting (nothing to save yet) or a third Ctrl-C: quit; DynamoDB Local is killed on 'exit'.
      exit(130);
    }
  };
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    force: force.signal,
    cloudIsUp: () => {
      cloudUp = true;
    },
  };
};
