import type { LocalCloud } from '../../../infra/local/local-cloud.ts';
import { compareSequence } from '../../../processors/shared/sequence.ts';
import { eventually, readShards } from './local-cloud-fixture.ts';

/** Every record of the event stream as the JSON it carries (edge context included), with its shard. */
export const streamRecords = async (cloud: LocalCloud) =>
  [...(await readShards(cloud))].flatMap(([shardId, records]) =>
    records.map((record) => ({
      shardId,
      sequenceNumber: record.sequenceNumber,
      body: JSON.parse(Buffer.from(record.data, 'base64').toString('utf8')) as Record<string, unknown>,
    })),
  );

/** The last sequence number of each shard that holds records. */
const streamEnds = async (cloud: LocalCloud): Promise<Map<string, string>> => {
  const ends = new Map<string, string>();
  for (const [shardId, records] of await readShards(cloud)) {
    const last = records.at(-1);
    if (last) ends.set(shardId, last.sequenceNumber);
  }
  return ends;
};

/**
 * Waits until each mapping in `mappingIds` has checkpointed every shard up to the end the stream has now: the
 * consumers have processed (or quarantined) every record it holds.
 */
export const waitUntilProcessed = async (
  cloud: LocalCloud,
  mappingIds: readonly string[],
  timeoutMs: number,
): Promise<void> => {
  const ends = await streamEnds(cloud);
  await eventually(
    () =>
      mappingIds.every((id) =>
        [...ends].every(([shardId, end]) => {
          const done = cloud.checkpoints.get(id, shardId);
          return done !== undefined && compareSequence(done, end) >= 0;
        }),
      ),
    timeoutMs,
    `mappings ${mappingIds.join(', ')} to checkpoint the stream's end (${[...ends].map(([s, e]) => `${s}@${e}`).join(', ')})`,
  );
};
