import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileExtensionOf } from '../../../../../infra/local/firehose/delivery-stream-plan.ts';
import { objectBody } from '../../../../../infra/local/firehose/object-body.ts';
import {
  nameBasedUuid,
  type ObjectIdentity,
  type ObjectNaming,
  objectKey,
} from '../../../../../infra/local/firehose/object-key.ts';
import { compilePrefixes } from '../../../../../infra/local/firehose/prefix-expression.ts';

const RAW_ZONE: ObjectNaming = {
  prefixes: compilePrefixes(
    'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
    'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  ),
  extension: '.gz',
};

const OBJECT: ObjectIdentity = {
  deliveryStreamName: 'Streamlake-raw-events',
  versionId: '1',
  shardId: 'shardId-000000000001',
  firstSequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  oldestArrivalMs: Date.UTC(2018, 7, 27, 23, 59, 58, 500),
};

const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('object names', () => {
  it('are <prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz, timestamps from the oldest arrival', () => {
    const key = objectKey(RAW_ZONE, OBJECT);

    const [, uuid] =
      /^raw\/dt=2018-08-27\/hour=23\/Streamlake-raw-events-1-2018-08-27-23-59-58-(.+)\.gz$/.exec(key) ?? [];
    expect(uuid).toMatch(V5);
  });

  it('are the same for the same stream, shard and first record: a re-written object replaces itself', () => {
    const again = objectKey(RAW_ZONE, { ...OBJECT });

    expect(again).toBe(objectKey(RAW_ZONE, OBJECT));
  });

  it('differ by shard and by first record', () => {
    const keys = new Set([
      objectKey(RAW_ZONE, OBJECT),
      objectKey(RAW_ZONE, { ...OBJECT, shardId: 'shardId-000000000000' }),
      objectKey(RAW_ZONE, { ...OBJECT, firstSequenceNumber: `${OBJECT.firstSequenceNumber.slice(0, -1)}9` }),
    ]);

    expect(keys.size).toBe(3);
  });

  it('put prefix and suffix timestamps in the CustomTimeZone', () => {
    const key = objectKey({ ...RAW_ZONE, timeZone: 'Asia/Tokyo' }, OBJECT);

    expect(key).toMatch(/^raw\/dt=2018-08-28\/hour=08\/Streamlake-raw-events-1-2018-08-28-08-59-58-/);
  });

  it('draw random strings of 11 characters that are the same on every re-write', () => {
    const naming: ObjectNaming = {
      prefixes: compilePrefixes(
        '!{firehose:random-string}/!{firehose:random-string}/',
        'e/!{firehose:error-output-type}',
      ),
      extension: '',
    };

    const key = objectKey(naming, OBJECT);

    const [first, second] = key.split('/');
    expect(first).toHaveLength(11);
    expect(second).toHaveLength(11);
    expect(first).not.toBe(second);
    expect(objectKey(naming, OBJECT)).toBe(key);
    expect(key).toMatch(/^[^/]+\/[^/]+\/2018\/08\/27\/23\/Streamlake-raw-events-1-/);
  });

  it('end in .gz for GZIP, nothing when uncompressed, and the declared FileExtension over either', () => {
    expect(fileExtensionOf({ compression: 'GZIP' })).toBe('.gz');
    expect(fileExtensionOf({ compression: 'UNCOMPRESSED' })).toBe('');
    expect(fileExtensionOf({ compression: 'GZIP', fileExtension: '.json.gz' })).toBe('.json.gz');
    expect(fileExtensionOf({ compression: 'GZIP', fileExtension: '' })).toBe('');
  });

  it('use RFC 4122 version 5 name-based UUIDs', () => {
    // uuid.uuid5(uuid.NAMESPACE_URL, 'https://github.com/streamlake') in Python.
    expect(nameBasedUuid('https://github.com/streamlake')).toBe('e0762261-3b74-5a7c-9d17-bdd79127b70d');
  });
});

describe('object bodies', () => {
  const records = ['{"a":1}', '{"b":"é"}', ''].map((text, n) => ({
    sequenceNumber: String(n),
    data: Buffer.from(text),
    arrivalMs: 0,
  }));

  it('hold every record byte for byte, a newline after each, GZIP-compressed as a whole', async () => {
    const { body, rawBytes } = await objectBody(records, 'GZIP', '\n');

    const text = gunzipSync(body).toString('utf8');
    expect(text).toBe('{"a":1}\n{"b":"é"}\n\n');
    expect(rawBytes).toBe(Buffer.byteLength(text));
  });

  it('concatenate the records as they are without a delimiter, uncompressed', async () => {
    const { body } = await objectBody(records, 'UNCOMPRESSED');

    expect(Buffer.from(body).toString('utf8')).toBe('{"a":1}{"b":"é"}');
  });
});
