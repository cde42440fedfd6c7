import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  KINESIS_MAX_PARTITION_KEY_LENGTH,
  KINESIS_MAX_RECORD_BYTES,
  validateEvent,
} from '../../../schemas/index.ts';
import { type FuzzRecord, fuzzCorpus } from '../../fuzz/corpus.ts';
import { kindCounts } from '../../fuzz/kind-counts.ts';
import { FUZZ_KINDS, KIND_NAMES } from '../../fuzz/kinds.ts';
import { MAX_EVENT_BYTES } from '../../fuzz/limits.ts';
import { runMarkers } from '../../fuzz/markers.ts';

const NOW = Date.parse('2026-11-22T05:06:07.000Z');
const REASONS = [
  'undecodable',
  'oversize',
  'invalid-json',
  'unknown-schema',
  'schema-violation',
  'too-late',
  'future-dated',
  'unprocessable',
];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const full = fuzzCorpus({ seed: 7, malformed: 10_000, valid: 5_000, nowMs: NOW, runId: 'unit1' });
const small = (seed: number | string) =>
  fuzzCorpus({ seed, malformed: 1_700, valid: 600, nowMs: NOW, runId: 'unit2' });
const text = (record: FuzzRecord) => Buffer.from(record.data).toString('utf8');
/** The record with its eventIds masked: what a seed must reproduce. */
const shapeOf = (record: FuzzRecord) => ({
  kind: record.kind,
  partitionKey: record.partitionKey,
  bytes: record.data.byteLength,
  // An eventId may also be cut short (a truncated record): mask what is left of it.
  data: Buffer.from(record.data)
    .toString('latin1')
    .replace(UUID, '<id>')
    .replace(/"eventId":\s*"[0-9a-f-]*/g, '"eventId":"<id>'),
});
const parses = (value: string) => {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
};

/** A malformed record is as big, as well encoded and as parseable as the reasons its kind allows say. */
const expectWhatItsReasonsImply = (record: FuzzRecord, allowed: readonly string[]): void => {
  const only = (reason: string) => allowed.length === 1 && allowed[0] === reason;
  const over = record.data.byteLength > MAX_EVENT_BYTES;
  if (!allowed.includes('oversize')) expect(over, record.kind).toBe(false);
  if (only('oversize')) expect(over, record.kind).toBe(true);
  if (over) return;
  const utf8 = isUtf8(record.data);
  if (record.kind === 'invalid-utf8') expect(utf8).toBe(false);
  if (!allowed.includes('undecodable')) expect(utf8, record.kind).toBe(true);
  if (!utf8) return;
  const json = parses(text(record));
  if (!allowed.includes('invalid-json'))
    expect(json, `${record.kind}: ${text(record).slice(0, 80)}`).toBe(true);
  if (only('invalid-json')) expect(json, text(record).slice(0, 80)).toBe(false);
};

describe('the fuzz corpus', () => {
  it('has at least 12 kinds, each allowing known quarantine reasons', () => {
    expect(KIND_NAMES.length).toBeGreaterThanOrEqual(12);
    for (const kind of KIND_NAMES) {
      expect(FUZZ_KINDS[kind].allowed.length).toBeGreaterThan(0);
      for (const reason of FUZZ_KINDS[kind].allowed) expect(REASONS).toContain(reason);
    }
  });

  it('makes the records asked for: 10,000 malformed of every kind and 5,000 valid, interleaved', () => {
    const byKind = new Map<string, number>();
    for (const record of full) byKind.set(record.kind, (byKind.get(record.kind) ?? 0) + 1);
    expect(full).toHaveLength(15_000);
    expect(byKind.get('valid')).toBe(5_000);
    expect(Object.fromEntries([...byKind].filter(([kind]) => kind !== 'valid'))).toEqual(
      kindCounts({ malformed: 10_000 }),
    );
    for (const kind of KIND_NAMES) expect(byKind.get(kind)).toBeGreaterThan(0);
    expect(byKind.get('huge-string')).toBeLessThanOrEqual(50); // a few 900 KB records, not hundreds
    // Interleaved: each tenth of the corpus mixes valid and malformed records.
    for (let tenth = 0; tenth < 10; tenth++) {
      const slice = full.slice(tenth * 1_500, (tenth + 1) * 1_500);
      expect(slice.filter((r) => r.kind === 'valid').length).toBeGreaterThan(300);
      expect(slice.filter((r) => r.kind !== 'valid').length).toBeGreaterThan(800);
    }
  });

  it('spreads malformed records evenly on request (the fast slice: 20 of each kind)', () => {
    const counts = kindCounts({ malformed: 20 * KIND_NAMES.length, spread: 'even' });
    expect(Object.values(counts)).toEqual(KIND_NAMES.map(() => 20));
    expect(Object.values(kindCounts({ malformed: 5 })).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('reproduces the shape of every record from a seed, not its event ids', () => {
    const [a, b, c] = [small('s'), small('s'), small('t')];
    expect(a.map(shapeOf)).toEqual(b.map(shapeOf));
    expect(a.map(shapeOf)).not.toEqual(c.map(shapeOf));
    const valid = (corpus: FuzzRecord[]) =>
      corpus.filter((r) => r.kind === 'valid').map((r) => r.event?.eventId);
    expect(new Set([...valid(a), ...valid(b)]).size).toBe(2 * valid(a).length);
  });

  it('gives every event id once, across corpora of the same seed too', () => {
    const ids = [...full, ...small('s'), ...small('s')]
      .filter((r) => r.data.byteLength < 100_000)
      .flatMap((r) => [...new Set(text(r).match(UUID) ?? [])]); // a record may repeat its own event
    expect(ids.length).toBeGreaterThan(15_000);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps every record within what Kinesis accepts: ≤ 1 MiB with its partition key of 1–256 characters', () => {
    for (const record of full) {
      expect(record.data.byteLength + Buffer.byteLength(record.partitionKey)).toBeLessThanOrEqual(
        KINESIS_MAX_RECORD_BYTES,
      );
      expect(record.partitionKey.length).toBeGreaterThanOrEqual(1);
      expect(record.partitionKey.length).toBeLessThanOrEqual(KINESIS_MAX_PARTITION_KEY_LENGTH);
      expect(isUtf8(Buffer.from(record.partitionKey))).toBe(true);
    }
    expect(full.some((r) => r.partitionKey.length === KINESIS_MAX_PARTITION_KEY_LENGTH)).toBe(true);
    expect(Math.max(...full.map((r) => r.data.byteLength))).toBeGreaterThan(880_000);
  });

  it('makes each kind what it says: sizes, encodings and JSON as its allowed reasons imply', () => {
    for (const record of full) {
      if (record.expect !== 'valid') expectWhatItsReasonsImply(record, record.expect);
    }
    expect(full.some((r) => r.kind === 'deep-nesting' && text(r).startsWith('['.repeat(30_000)))).toBe(true);
    expect(full.some((r) => r.kind === 'lone-surrogate' && /\\ud[89ab][0-9a-f]{2}/.test(text(r)))).toBe(true);
    expect(full.some((r) => r.kind === 'non-finite' && text(r).includes('1e400'))).toBe(true);
    expect(full.some((r) => r.kind === 'proto-keys' && text(r).includes('"__proto__"'))).toBe(true);
    expect(full.some((r) => r.kind === 'impossible-time' && text(r).includes('0000-00-00T00:00:00Z'))).toBe(
      true,
    );
    expect(full.some((r) => r.kind === 'extreme-time' && text(r).includes('9999-'))).toBe(true);
  });

  it('makes valid events the contracts accept, within the size limit, marked with the run', () => {
    const { page, id } = runMarkers('unit1');
    const valid = full.filter((r) => r.kind === 'valid');
    for (const record of valid) {
      expect(record.data.byteLength).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      const parsed = JSON.parse(text(record));
      expect(parsed).toEqual(record.event);
      const result = validateEvent(parsed);
      expect(result.ok, text(record).slice(0, 120)).toBe(true);
      const event = record.event as unknown as Record<string, string>;
      if (event.schema === 'clickstream.page_view') expect(event.page?.startsWith(page)).toBe(true);
      else expect(event.deviceId?.startsWith(id)).toBe(true);
      expect(Math.abs(Date.parse(event.eventTime as string) - NOW)).toBeLessThanOrEqual(120_000);
    }
    expect(valid.some((r) => r.data.byteLength === MAX_EVENT_BYTES)).toBe(true);
    expect(new Set(valid.map((r) => r.event?.schema))).toEqual(
      new Set(['clickstream.page_view', 'telemetry.reading']),
    );
  });
});
