import type { RecordOutcome, RecordWriter, WriterCounters } from './write-outcome.ts';

/**
 * Two writers behind one: each record goes to the writer `route` names, and the outcomes come back in the
 * order given, so a run tallies both paths as one.
 */
export class RoutedWriter<R> implements RecordWriter<R> {
  constructor(
    private readonly writers: readonly RecordWriter<R>[],
    /** The index in `writers` of the one that sends `record`. */
    private readonly route: (record: R) => number,
  ) {}

  get pending(): number {
    return this.writers.reduce((sum, writer) => sum + writer.pending, 0);
  }

  get counters(): WriterCounters {
    const sum = (name: keyof WriterCounters) => this.writers.reduce((s, w) => s + w.counters[name], 0);
    return { sent: sum('sent'), failed: sum('failed'), retried: sum('retried') };
  }

  async write(records: readonly R[]): Promise<RecordOutcome<R>[]> {
    const shares = this.writers.map(() => ({ records: [] as R[], positions: [] as number[] }));
    records.forEach((record, position) => {
      const share = shares[this.route(record)];
      if (!share) throw new RangeError(`route gave writer ${this.route(record)} of ${shares.length}`);
      share.records.push(record);
      share.positions.push(position);
    });
    const outcomes: RecordOutcome<R>[] = new Array(records.length);
    await Promise.all(
      shares.map(async (share, i) => {
        const written = await (this.writers[i] as RecordWriter<R>).write(share.records);
        written.forEach((outcome, j) => {
          outcomes[share.positions[j] as number] = outcome;
        });
      }),
    );
    return outcomes;
  }

  async flush(): Promise<void> {
    await Promise.all(this.writers.map((writer) => writer.flush()));
  }
}
