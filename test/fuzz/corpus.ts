import type { QuarantineReason } from '../../processors/shared/classify.ts';
import { SeededRandom } from '../../producers/random.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import type { Context } from './context.ts';
import { encode } from './json-text.ts';
import { kindCounts, type Spread } from './kind-counts.ts';
import { FUZZ_KINDS, type FuzzKind, KIND_NAMES } from './kinds.ts';
import { MAKERS } from './malformed/makers.ts';
import { identityOf, partitionKeyFor } from './partition-keys.ts';
import { encodeValid, validEvent } from './valid-events.ts';

/**
 * A seeded fuzz corpus for the stream consumers: malformed records of many kinds, each declaring the
 * quarantine reasons it may legitimately get, interleaved with valid events that carry a run-unique
 * marker, so their rollups and lake rows can be checked amid other traffic.
 *
 * Pure apart from the eventIds: every eventId is a fresh random UUID (ids must be unique across runs),
 * so a seed reproduces the shape of every record (kinds, order, sizes, fields), not its ids.
 */

export interface FuzzRecord {
  readonly data: Uint8Array;
  /** 1–256 characters, as Kinesis requires. */
  readonly partitionKey: string;
  readonly kind: FuzzKind | 'valid';
  /** 'valid' for an event the consumers must accept, else the reasons it may be quarantined with. */
  readonly expect: 'valid' | readonly QuarantineReason[];
  /** The event a valid record encodes. */
  readonly event?: StreamlakeEvent;
}

export interface FuzzOptions {
  readonly seed: number | string;
  readonly malformed: number;
  readonly valid: number;
  /** Event times are drawn near this instant (the last two minutes before it). */
  readonly nowMs: number;
  /** Marks this run's events: lowercase letters, digits and dashes, 1–24 characters. */
  readonly runId: string;
  /** Malformed records by kind weight (default), or as evenly as possible. */
  readonly spread?: Spread;
}

/**
 * The corpus, one record at a time (memory stays bounded however large it is): `malformed` records
 * spread over the kinds and `valid` events, interleaved in a seeded order.
 */
export function* fuzzRecords(options: FuzzOptions): Generator<FuzzRecord> {
  const { runId, nowMs, valid } = options;
  if (!/^[a-z0-9-]{1,24}$/.test(runId)) {
    throw new RangeError(
      `runId must be 1–24 lowercase letters, digits or dashes (given ${JSON.stringify(runId)})`,
    );
  }
  if (!Number.isInteger(valid) || valid < 0)
    throw new RangeError(`valid must be a whole number ≥ 0 (given ${valid})`);
  const counts = kindCounts(options);
  const root = new SeededRandom(`fuzz:${options.seed}`);
  const order = root.fork('order');
  const shapes = root.fork('shapes');
  // The interleaving: a shuffled schedule of kind indexes, VALID for a valid event.
  const VALID = KIND_NAMES.length;
  const schedule = new Uint8Array(options.malformed + valid);
  let at = 0;
  KIND_NAMES.forEach((kind, index) => {
    schedule.fill(index, at, at + counts[kind]);
    at += counts[kind];
  });
  schedule.fill(VALID, at);
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = order.int(0, i);
    [schedule[i], schedule[j]] = [schedule[j] as number, schedule[i] as number];
  }
  const ordinals = new Array<number>(VALID + 1).fill(0);
  for (const code of schedule) {
    const n = (ordinals[code] as number) + 1;
    ordinals[code] = n;
    const ctx: Context = { r: shapes, runId, nowMs, n };
    if (code === VALID) {
      const event = validEvent(ctx);
      yield {
        data: encode(encodeValid(event, shapes)),
        partitionKey: partitionKeyFor(
          shapes,
          runId,
          n,
          'deviceId' in event ? event.deviceId : event.sessionId,
        ),
        kind: 'valid',
        expect: 'valid',
        event,
      };
      continue;
    }
    const kind = KIND_NAMES[code] as FuzzKind;
    const data = MAKERS[kind](ctx);
    yield {
      data: typeof data === 'string' ? encode(data) : data,
      partitionKey: partitionKeyFor(shapes, runId, n, identityOf(data)),
      kind,
      expect: FUZZ_KINDS[kind].allowed,
    };
  }
}

/** The whole corpus as an array (tests); `npm run fuzz` streams fuzzRecords instead. */
export const fuzzCorpus = (options: FuzzOptions): FuzzRecord[] => [...fuzzRecords(options)];
