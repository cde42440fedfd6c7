import { createHash } from 'node:crypto';
import { type DestinationPrefixes, renderPrefix } from './prefix-expression.ts';
import { zonedFields } from './zoned-time.ts';

/** RFC 4122's URL namespace: any fixed namespace will do, so name-based ids stay the same across runs. */
const NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** A name-based UUID (RFC 4122 version 5, SHA-1): the same name always gives the same id. */
export const nameBasedUuid = (name: string): string => {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** What an object's name is made from: everything but its records' bytes. */
export interface ObjectIdentity {
  readonly deliveryStreamName: string;
  readonly versionId: string;
  readonly shardId: string;
  /** The sequence number of the object's first record: with the shard, what makes the name unique. */
  readonly firstSequenceNumber: string;
  /** The approximate arrival of its oldest record: the instant of every timestamp in its key. */
  readonly oldestArrivalMs: number;
}

/** How the destination names objects. */
export interface ObjectNaming {
  readonly prefixes: DestinationPrefixes;
  /** `.gz`, the declared FileExtension, or ''. */
  readonly extension: string;
  /** IANA zone of the prefix and suffix timestamps. @default UTC */
  readonly timeZone?: string;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The key Firehose gives an object: `<evaluated prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`.
 * The uuid and every `!{firehose:random-string}` are derived from the stream, shard and first sequence number
 * (Firehose draws them at random), and the timestamps are the oldest record's arrival: an object written again
 * after a crash before its position was saved gets the same key, and replaces itself.
 */
export const objectKey = (naming: ObjectNaming, object: ObjectIdentity): string => {
  const seed = `${object.deliveryStreamName}\n${object.shardId}\n${object.firstSequenceNumber}`;
  const fields = zonedFields(object.oldestArrivalMs, naming.timeZone);
  let drawn = 0;
  const randomString = () => nameBasedUuid(`${seed}\n${++drawn}`).slice(0, 11);
  const prefix = renderPrefix(naming.prefixes.data, { fields, randomString });
  const { year, month, day, hour, minute, second } = fields;
  const time = `${year}-${two(month)}-${two(day)}-${two(hour)}-${two(minute)}-${two(second)}`;
  const uuid = nameBasedUuid(seed);
  return `${prefix}${object.deliveryStreamName}-${object.versionId}-${time}-${uuid}${naming.extension}`;
};
