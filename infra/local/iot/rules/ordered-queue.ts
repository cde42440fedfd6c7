export interface OrderedQueueOptions {
  /** Jobs running at once, across keys. @default 64 */
  readonly concurrency?: number;
  /** Jobs queued or running at most; `push` refuses past it. @default 20_000 */
  readonly maxPending?: number;
}

type Job = () => Promise<void>;

/**
 * Runs jobs one at a time per key, in the order they were pushed, and up to `concurrency` keys at once: the rule
 * engine's per-device order (one device's messages reach the stream in the order it published them) without
 * one slow device holding up the others. Keys take turns for the free slots. Bounded: at most `maxPending` jobs.
 */
export class OrderedQueue {
  private readonly concurrency: number;
  private readonly maxPending: number;
  /** Each key's jobs not yet started. A key is present while it has jobs waiting or one running. */
  private readonly byKey = new Map<string, Job[]>();
  /** Keys with a job waiting and none running, in the order they became ready. */
  private ready: string[] = [];
  private readyHead = 0;
  private running = 0;
  private pendingJobs = 0;
  private idle: (() => void)[] = [];

  constructor(options: OrderedQueueOptions = {}) {
    this.concurrency = options.concurrency ?? 64;
    this.maxPending = options.maxPending ?? 20_000;
    if (!(Number.isInteger(this.concurrency) && this.concurrency > 0)) {
      throw new RangeError(`concurrency must be a positive whole number (given ${options.concurrency})`);
    }
    if (!(Number.isInteger(this.maxPending) && this.maxPending > 0)) {
      throw new RangeError(`maxPending must be a positive whole number (given ${options.maxPending})`);
    }
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.pendingJobs;
  }

  /** Queues `job` behind the other jobs of `key`; false (and not queued) when `maxPending` jobs are already pending. */
  push(key: string, job: Job): boolean {
    if (this.pendingJobs >= this.maxPending) return false;
    this.pendingJobs++;
    const queued = this.byKey.get(key);
    if (queued) queued.push(job);
    else {
      this.byKey.set(key, [job]);
      this.ready.push(key);
      this.pump();
    }
    return true;
  }

  /** Resolves once no job is queued or running. */
  drained(): Promise<void> {
    if (this.pendingJobs === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++] as string;
      this.running++;
      void this.runNext(key);
    }
    // Compact the ready list now and then instead of shifting it on every start.
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  private async runNext(key: string): Promise<void> {
    const jobs = this.byKey.get(key) as Job[];
    const job = jobs.shift() as Job;
    try {
      await job();
    } catch {
      // A job reports its own failures; one that throws must not stop its key's later jobs.
    }
    this.running--;
    this.pendingJobs--;
    if (jobs.length === 0) this.byKey.delete(key);
    else this.ready.push(key);
    this.pump();
    if (this.pendingJobs === 0) {
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}
