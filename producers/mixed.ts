import { DeviceFleetSimulator } from './devices.ts';
import { POISON_KINDS, poisonRecord } from './poison.ts';
import { SeededRandom } from './random.ts';
import { type EventSource, type ProducedRecord, type RecordSource, recordOf } from './source.ts';
import { WebSessionSimulator } from './web-sessions.ts';

export interface MixedSourceOptions {
  readonly seed: number | string;
  /** Simulated IoT devices; between 1 and 100000. @default 50 */
  readonly devices?: number;
  /** Share of records from web sessions, the rest from devices; between 0 and 1. @default 0.7 */
  readonly clickstreamShare?: number;
  /** Share of records spoiled on purpose (invalid JSON, schema violation, unknown schema); between 0 and 1. @default 0 */
  readonly poisonRate?: number;
}

const checkShare = (name: string, value: number) => {
  if (!(value >= 0 && value <= 1))
    throw new RangeError(`${name} must be between 0 and 1 inclusive (given ${value})`);
};

/** Interleaves web sessions and devices, and spoils some records when asked, all from one seed (event ids aside). */
export class MixedSource implements RecordSource {
  private readonly choose: SeededRandom;
  private readonly spoil: SeededRandom;
  private readonly web: EventSource;
  private readonly fleet: EventSource;
  private readonly clickstreamShare: number;
  private readonly poisonRate: number;

  constructor(options: MixedSourceOptions) {
    this.clickstreamShare = options.clickstreamShare ?? 0.7;
    this.poisonRate = options.poisonRate ?? 0;
    checkShare('clickstreamShare', this.clickstreamShare);
    checkShare('poisonRate', this.poisonRate);
    // One stream per concern: a different poison rate spoils other records but simulates the same traffic.
    const root = new SeededRandom(options.seed);
    this.choose = root.fork('mix');
    this.spoil = root.fork('poison');
    this.web = new WebSessionSimulator({ seed: root.uint32() });
    this.fleet = new DeviceFleetSimulator({ seed: root.uint32(), devices: options.devices ?? 50 });
  }

  next(nowMs: number): ProducedRecord {
    const source = this.choose.chance(this.clickstreamShare) ? this.web : this.fleet;
    const event = source.next(nowMs);
    if (this.poisonRate > 0 && this.spoil.chance(this.poisonRate)) {
      return poisonRecord(event, this.spoil.pick(POISON_KINDS), this.spoil);
    }
    return recordOf(event);
  }
}
