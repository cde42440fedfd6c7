import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  rawArrivalMs,
  rawLines,
  rawPrefixes,
  rawReadWindow,
} from '../../../../commands/backfill/raw-objects.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const POLICY = { allowedLatenessMs: HOUR, clockSkewMs: 300_000 };
const PREFIX = 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';

describe('raw objects: arrival, window, prefixes, lines', () => {
  it('reads the arrival stamped in a Firehose object name, to the second, UTC', () => {
    const key =
      'raw/dt=2026-12-01/hour=05/streamlake-raw-events-1-2026-12-01-05-59-58-0f8fad5b-d9cb-469f-a165-70867728950e.gz';
    expect(rawArrivalMs(key)).toBe(at('2026-12-01T05:59:58Z'));
  });

  it('refuses an object not named as Firehose names them, naming the key and what to do', () => {
    expect(() => rawArrivalMs('raw/dt=2026-12-01/hour=05/notes.txt')).toThrow(
      'raw object "raw/dt=2026-12-01/hour=05/notes.txt" is not named as Firehose names objects (…-yyyy-MM-dd-HH-mm-ss-<uuid>.gz): move foreign objects out of the raw zone prefix',
    );
  });

  it('reads every object that may hold an accepted record of the hour: from hour − skew − one buffer to hour end + lateness', () => {
    const window = rawReadWindow(at('2026-12-01T05:00:00Z'), POLICY, 300_000);
    // An event at 05:00 arrived 5 min before (skew) in an object stamped up to 5 min earlier still (buffer), plus the stamp's second.
    expect(window.fromMs).toBe(at('2026-12-01T04:49:59Z'));
    // An event at 05:59:59.999 accepted one hour late arrived before 07:00.
    expect(window.toMs).toBe(at('2026-12-01T07:00:00Z'));
  });

  it('lists each arrival hour the window touches once, across midnight', () => {
    const window = { fromMs: at('2026-12-01T23:50:00Z'), toMs: at('2026-12-02T01:00:00Z') };
    expect(rawPrefixes(PREFIX, window)).toEqual(['raw/dt=2026-12-01/hour=23/', 'raw/dt=2026-12-02/hour=00/']);
    expect(rawPrefixes('raw/!{timestamp:yyyy}/', window)).toEqual(['raw/2026/']);
  });

  it('refuses a prefix with random strings, which no listing by time can find', () => {
    expect(() => rawPrefixes('raw/!{firehose:random-string}/', { fromMs: 0, toMs: HOUR })).toThrow(
      /draws random strings/,
    );
  });

  it('splits a GZIP object at the newline after each record, bytes kept (also invalid UTF-8)', () => {
    const records = [Buffer.from('{"a":1}'), Buffer.from([0xff, 0xfe]), Buffer.from('{"b":"Grüße"}')];
    const body = gzipSync(Buffer.concat(records.flatMap((r) => [r, Buffer.from('\n')])));
    expect(rawLines(body)).toEqual(records);
    expect(rawLines(Buffer.from('x\ny'))).toEqual([Buffer.from('x'), Buffer.from('y')]);
  });
});
