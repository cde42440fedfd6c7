import { describe, expect, it } from 'vitest';
import { acceptedEventTimeMs, validateEvent } from '../../../schemas/index.ts';
import { fuzzCorpus } from '../../fuzz/corpus.ts';
import { pageView } from '../support/kinesis-records.ts';

const NOW = Date.parse('2026-11-22T05:06:07.000Z');

/** validateEvent's verdict as acceptedEventTimeMs must give it: the event time, or NaN. */
const verdictOf = (value: unknown, checkCharacters: boolean): number => {
  const result = validateEvent(value, checkCharacters);
  return result.ok ? result.eventTimeMs : Number.NaN;
};

describe('acceptedEventTimeMs', () => {
  it('gives validateEvent’s verdict on every record of the fuzz corpus, checking characters or not', () => {
    // Prepare
    const corpus = fuzzCorpus({ seed: 12, malformed: 3_000, valid: 1_000, nowMs: NOW, runId: 'accept1' });
    const values = corpus.flatMap((record) => {
      try {
        return [JSON.parse(Buffer.from(record.data).toString('utf8')) as unknown];
      } catch {
        return [];
      }
    });
    let accepted = 0;

    // Act, Assess
    for (const value of values) {
      for (const checkCharacters of [true, false]) {
        const ms = acceptedEventTimeMs(value, checkCharacters);
        expect(ms).toBe(verdictOf(value, checkCharacters));
        if (!Number.isNaN(ms)) accepted++;
      }
    }
    expect(values.length).toBeGreaterThan(2_000);
    expect(accepted).toBeGreaterThan(1_000);
  });

  it.each([
    ['a valid event', pageView()],
    ['a lone surrogate in a field', pageView({ sessionId: 's\ud800' })],
    ['an unknown schema', { ...pageView(), schema: 'clickstream.scroll' }],
    ['an array', [pageView()]],
    ['null', null],
  ])('gives validateEvent’s verdict on %s', (_, value) => {
    // Act, Assess
    expect(acceptedEventTimeMs(value)).toBe(verdictOf(value, true));
    expect(acceptedEventTimeMs(value, false)).toBe(verdictOf(value, false));
  });
});
