import type { DeviceFigures } from './device-figures.ts';
import type { EdgeFigures } from './edge-figures.ts';

/** What a running producer has done so far. */
export interface ProducerProgress {
  /** Records generated (events and poison). */
  readonly generated: number;
  /** Records accepted by Kinesis. */
  readonly sent: number;
  /** Records given up on. */
  readonly failed: number;
  /** Record retries after throttling or partial failures. */
  readonly retried: number;
  /** Records queued or in flight. */
  readonly pending: number;
  readonly elapsedMs: number;
  /** What the producer saw of the web collector so far, when it sends through one. */
  readonly edge?: EdgeFigures;
  /** What the producer saw of the device edge so far, when devices publish over MQTT. */
  readonly devices?: DeviceFigures;
}

const count = (n: number) => n.toLocaleString('en-US');

const clock = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60)
    .toString()
    .padStart(2, '0');
  const ss = (seconds % 60).toString().padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
};

const edgeNote = (edge: EdgeFigures | undefined) =>
  edge ? ` · edge ${count(edge.requests)} requests, p99 ${edge.latencyP99Ms.toFixed(1)} ms` : '';

export const formatProgress = (progress: ProducerProgress, eventsPerSecond: number): string =>
  `sent ${count(progress.sent)} · failed ${count(progress.failed)} · retried ${count(progress.retried)} · ` +
  `${count(Math.round(eventsPerSecond))} events/s${edgeNote(progress.edge)} · ${clock(progress.elapsedMs)} elapsed`;

export interface ProgressDisplayOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** Redraw interval on a terminal. @default 250 */
  readonly ttyIntervalMs?: number;
  /** Line interval when piped to a file or CI log. @default 5000 */
  readonly plainIntervalMs?: number;
  readonly now?: () => number;
}

/** One progress line: redrawn in place on a terminal, printed now and then otherwise, so logs stay short. */
export class ProgressDisplay {
  private readonly stream: NodeJS.WriteStream;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastShown: { atMs: number; sent: number } | undefined;
  private drawn = false;

  constructor(options: ProgressDisplayOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.intervalMs = this.stream.isTTY ? (options.ttyIntervalMs ?? 250) : (options.plainIntervalMs ?? 5000);
    this.now = options.now ?? Date.now;
  }

  /** Shows `progress` if the last line is old enough, or always when `final`. */
  update(progress: ProducerProgress, final = false): void {
    const nowMs = this.now();
    const last = this.lastShown ?? { atMs: nowMs - progress.elapsedMs, sent: 0 };
    if (!final && this.lastShown && nowMs - last.atMs < this.intervalMs) return;
    // Recent rate, not the run's average, so a slowdown shows at once; the final line shows the average.
    const windowMs = final ? progress.elapsedMs : nowMs - last.atMs;
    const sentInWindow = final ? progress.sent : progress.sent - last.sent;
    const rate = windowMs > 0 ? (sentInWindow * 1000) / windowMs : 0;
    this.lastShown = { atMs: nowMs, sent: progress.sent };
    const line = formatProgress(progress, rate);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
      this.drawn = !final;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends an in-place line so later output starts on its own line. */
  close(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
