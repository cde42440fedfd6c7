import { assertKeyPrefix } from '../validate.ts';

/**
 * Where the raw zone's objects go, as Firehose prefix expressions. `!{timestamp:…}` is the approximate arrival
 * time of the oldest record in the object (UTC), so an object holding records from both sides of an hour lies
 * under the earlier hour: readers of an hour also read the next hour's first objects.
 */
export const rawDataPrefixOf = (prefix: string): string => {
  assertKeyPrefix('raw zone prefix', prefix);
  return `${prefix}dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`;
};

/**
 * Where records Firehose could not deliver go, by the kind of failure (`!{firehose:error-output-type}`, e.g.
 * `processing-failed`), then by arrival day. Firehose requires the error type in the error prefix whenever the
 * data prefix has expressions.
 */
export const rawErrorPrefixOf = (errorPrefix: string): string => {
  assertKeyPrefix('raw zone errorPrefix', errorPrefix);
  return `${errorPrefix}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;
};

/** Delivery stream names: letters, digits, "_", "." and "-", up to 64 of them. */
const NAME_LENGTH = 64;
const NAME_SUFFIX = '-raw-events';

/**
 * The delivery stream's name: the stack's with a suffix, in the characters Firehose allows. Plain text rather
 * than a generated name, because it is the `DeliveryStreamName` dimension of the stream's metrics, which the ops
 * view names (locally too), and the first part of every raw object's name.
 */
export const rawDeliveryStreamNameOf = (stackName: string): string =>
  `${stackName.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, NAME_LENGTH - NAME_SUFFIX.length)}${NAME_SUFFIX}`;
