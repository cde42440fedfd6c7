import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_HORIZON_MS, type RecountSettings } from './recount-settings.ts';
import { MAX_PAGE, StreamReader } from './stream-reader.ts';
import { type RecountCounters, StreamRecount } from './stream-recount.ts';
import { readTruth, type StreamIdentity, TruthFileError, truthPathOf, writeTruth } from './truth-file.ts';

export interface StreamTruthOptions {
  readonly stateDir: string;
  /** The Kinesis client of the running or saved cloud. */
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /**
   * How the consumers judge records. Without a horizon (a command with no running cloud), the one the
   * recount last judged by, which came from the running cloud's template.
   */
  readonly settings: Pick<RecountSettings, 'policy'> & Partial<Pick<RecountSettings, 'horizonMs'>>;
  /** Save at least every this many records within a long catch-up (bounds what a crash costs). @default 100,000 */
  readonly saveEveryRecords?: number;
  /** Records per GetRecords. @default 10,000 */
  readonly pageLimit?: number;
}

/** What one catch-up did. */
export interface CatchUp {
  readonly records: number;
  readonly ms: number;
}

/**
 * The stream recount of a state folder (docs/decisions.md, D15): `<stateDir>/truth.json` plus the stream it
 * counts. `catchUp()` reads every shard from the saved positions to the end and saves, so a process killed
 * at any moment costs only what it read since its last save: the next catch-up reads that again.
 */
export class StreamTruth {
  private constructor(
    readonly path: string,
    private readonly reader: StreamReader,
    private readonly identity: StreamIdentity,
    private readonly settings: RecountSettings,
    readonly recount: StreamRecount,
    private readonly saveEveryRecords: number,
  ) {}

  /** Opens the saved recount (or a new one); refuses one made of another stream, or one cut short. */
  static async open(options: StreamTruthOptions): Promise<StreamTruth> {
    const path = truthPathOf(options.stateDir);
    const reader = new StreamReader(options.kinesis, options.streamName, options.pageLimit ?? MAX_PAGE);
    const identity = await reader.identity();
    const saved = readTruth(path);
    if (saved && (saved.stream.name !== identity.name || saved.stream.createdAtMs !== identity.createdAtMs)) {
      throw new TruthFileError(
        `the stream recount ${path} counts stream ${saved.stream.name} created at ${new Date(saved.stream.createdAtMs).toISOString()}, ` +
          `not ${identity.name} created at ${new Date(identity.createdAtMs).toISOString()}: delete ${path} to recount this stream ` +
          'from its oldest record, or start over with npm start -- --fresh',
      );
    }
    const settings: RecountSettings = {
      policy: options.settings.policy,
      horizonMs: options.settings.horizonMs ?? saved?.settings.horizonMs ?? DEFAULT_HORIZON_MS,
    };
    const recount = new StreamRecount(settings, saved?.recount);
    return new StreamTruth(path, reader, identity, settings, recount, options.saveEveryRecords ?? 100_000);
  }

  get counters(): RecountCounters {
    return this.recount.counters;
  }

  /** The last record counted on each shard: the stream's end, right after a catch-up. */
  lastSequences(): Map<string, string> {
    return this.recount.lastSequences();
  }

  /**
   * Reads every shard from the saved position to its end as of now, folding each page in, and saves.
   * `stop` ends it between two pages without saving what was read since the last save (as a crash would).
   */
  async catchUp(stop?: AbortSignal): Promise<CatchUp> {
    const startedMs = Date.now();
    let records = 0;
    let unsaved = 0;
    for (const shardId of await this.reader.shardIds()) {
      for await (const page of this.reader.pages(shardId, this.recount.positionOf(shardId))) {
        if (stop?.aborted) return { records, ms: Date.now() - startedMs };
        this.recount.fold(shardId, page);
        records += page.length;
        unsaved += page.length;
        if (unsaved >= this.saveEveryRecords) {
          this.save();
          unsaved = 0;
        }
      }
    }
    this.save();
    return { records, ms: Date.now() - startedMs };
  }

  /** Records a consumer has still to process on a shard: after its checkpoint, up to `upTo`. */
  recordsBetween(shardId: string, after: string | undefined, upTo: string): Promise<number> {
    return this.reader.countBetween(shardId, after, upTo);
  }

  private save(): void {
    writeTruth(this.path, {
      stream: this.identity,
      settings: this.settings,
      recount: this.recount.snapshot(),
    });
  }
}
