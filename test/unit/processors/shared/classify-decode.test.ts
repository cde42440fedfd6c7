import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcceptancePolicy,
  base64Bytes,
  type ClassifiedBatch,
  classifyBatch,
} from '../../../../processors/shared/classify.ts';
import { kinesisRecord, pageView, reading, sequence } from '../../support/kinesis-records.ts';

const ARRIVAL_MS = Date.parse('2026-11-22T05:06:08.000Z');
const policy: AcceptancePolicy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 4096 };

const at = (payload: unknown, n: number) =>
  kinesisRecord(payload, { sequenceNumber: sequence(n), arrivalMs: ARRIVAL_MS });

/** A record whose data is `text`'s bytes in base64, written as given by `encode`. */
const encodedAs = (text: string, n: number, encode: (base64: string) => string) => {
  const record = at(text, n);
  return { ...record, kinesis: { ...record.kinesis, data: encode(record.kinesis.data) } };
};

/** Each record's verdict by sequence number: accepted, or its reason and detail. */
const verdicts = (batch: ClassifiedBatch) =>
  new Map<string, unknown>([
    ...batch.accepted.map((r): [string, unknown] => [
      r.sequenceNumber,
      { event: r.event, ms: r.eventTimeMs },
    ]),
    ...batch.rejected.map((r): [string, unknown] => [
      r.sequenceNumber,
      { reason: r.reason, detail: r.detail },
    ]),
  ]);

describe('classifyBatch decoding every record into one reused buffer', () => {
  it('reads only a record’s own bytes: shorter records after a longer one are judged alone', () => {
    // Prepare
    const long = JSON.stringify(pageView({ referrer: `https://example.com/${'r'.repeat(1000)}` }));
    const records = [at(long, 1), at(long.slice(0, 40), 2), at('', 3), at('{}', 4), at(pageView(), 5)];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(5)]);
    expect(batch.rejected.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequence(2), 'invalid-json'],
      [sequence(3), 'invalid-json'],
      [sequence(4), 'unknown-schema'],
    ]);
  });

  it('quarantines invalid UTF-8 after a valid record as undecodable, and accepts a real U+FFFD', () => {
    // Prepare
    const valid = JSON.stringify(pageView({ referrer: `https://example.com/${'9'.repeat(500)}` }));
    const invalid = Buffer.concat([Buffer.from('{"schema":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const records = [
      at(valid, 1),
      at(invalid, 2),
      at(Buffer.from([0xe2, 0x82]), 3),
      at(pageView({ referrer: 'https://example.com/\uFFFD' }), 4),
    ];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(4)]);
    expect(batch.accepted[1]?.event).toMatchObject({ referrer: 'https://example.com/\uFFFD' });
    expect(batch.rejected).toEqual([
      expect.objectContaining({
        sequenceNumber: sequence(2),
        reason: 'undecodable',
        detail: 'data is not valid UTF-8',
      }),
      expect.objectContaining({
        sequenceNumber: sequence(3),
        reason: 'undecodable',
        detail: 'data is not valid UTF-8',
      }),
    ]);
  });

  it('accepts a record of exactly the limit and names the exact size of one a byte over', () => {
    // Prepare
    const event = pageView({ referrer: 'https://example.com/x' });
    const bytes = Buffer.byteLength(JSON.stringify(event));
    const over = pageView({ referrer: 'https://example.com/xy' });

    // Act
    const batch = classifyBatch([at(event, 1), at(over, 2)], { ...policy, maxEventBytes: bytes });

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1)]);
    expect(batch.rejected).toEqual([
      expect.objectContaining({
        reason: 'oversize',
        detail: `${bytes + 1} bytes, over the ${bytes}-byte limit`,
      }),
    ]);
  });

  it('grows the buffer for a record larger than any before it, and still judges the next small one alone', () => {
    // Prepare
    const huge = JSON.stringify(pageView({ referrer: 'r'.repeat(200_000) }));
    const records = [at(pageView(), 1), at(huge, 2), at(pageView().eventId, 3), at(pageView(), 4)];

    // Act
    const batch = classifyBatch(records, { ...policy, maxEventBytes: 300_000 });

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(4)]);
    expect(batch.rejected.map((r) => [r.sequenceNumber, r.reason])).toEqual([
      [sequence(2), 'schema-violation'],
      [sequence(3), 'invalid-json'],
    ]);
  });

  it('decodes base64 with line breaks as Buffer.from does, even when they put the estimate over the limit', () => {
    // Prepare
    const text = JSON.stringify(pageView({ referrer: `https://example.com/${'x'.repeat(200)}` }));
    const bytes = Buffer.byteLength(text);
    const mime = (base64: string) => base64.replace(/.{76}/g, '$&\r\n');
    const records = [encodedAs(text, 1, mime), encodedAs(`${text} `, 2, mime)];

    // Act
    const batch = classifyBatch(records, { ...policy, maxEventBytes: bytes });

    // Assess
    expect(base64Bytes(records[0]?.kinesis.data ?? '')).toBeGreaterThan(bytes);
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1)]);
    expect(batch.rejected).toEqual([
      expect.objectContaining({
        reason: 'oversize',
        detail: `${bytes + 1} bytes, over the ${bytes}-byte limit`,
      }),
    ]);
  });

  it('reads only the bytes decoded from base64 with line breaks, not as many as its length suggests', () => {
    // Prepare
    const long = JSON.stringify(pageView({ referrer: `https://example.com/${'x'.repeat(2000)}` }));
    const event = pageView({ referrer: `https://example.com/${'y'.repeat(200)}` });
    const mime = (base64: string) => base64.replace(/.{76}/g, '$&\r\n');
    const records = [at(long, 1), encodedAs(JSON.stringify(event), 2, mime)];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted[1]?.event).toEqual(event);
  });

  it('decides each record of a batch as it decides that record alone, whatever came before it', () => {
    const valid = fc.constantFrom(
      JSON.stringify(pageView()),
      JSON.stringify(pageView({ referrer: `https://example.com/${'é'.repeat(300)}` })),
      JSON.stringify(reading()),
    );
    const payload = fc.oneof(
      valid,
      valid.chain((text) => fc.nat(text.length).map((n) => text.slice(0, n))),
      valid.chain((text) =>
        fc.nat(text.length).map((n) => Buffer.concat([Buffer.from(text.slice(0, n)), Buffer.from([0xff])])),
      ),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), (payloads) => {
        // Prepare
        const records = payloads.map((p, i) => at(p, i + 1));

        // Act
        const together = verdicts(classifyBatch(records, policy));
        const alone = records.map((record) => {
          classifyBatch([at('f'.repeat(4000), 99)], policy);
          return verdicts(classifyBatch([record], policy)).get(record.kinesis.sequenceNumber);
        });

        // Assess
        expect(records.map((r) => together.get(r.kinesis.sequenceNumber))).toEqual(alone);
      }),
      { numRuns: 300 },
    );
  });
});

describe('base64Bytes', () => {
  it('reckons as Buffer.byteLength does, never below what Buffer.from decodes', () => {
    const char = fc.constantFrom(...'AZaz09+/=-_ \r\n.!é\u0000');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: char }),
          fc.string().map((s) => Buffer.from(s).toString('base64')),
        ),
        (data) => {
          // Act
          const bytes = base64Bytes(data);

          // Assess
          expect(bytes).toBe(Buffer.byteLength(data, 'base64'));
          expect(bytes).toBeGreaterThanOrEqual(Buffer.from(data, 'base64').byteLength);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
