import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzLedger } from './ledger.ts';
import { endStatus, say, sleep, status } from './run-console.ts';

/** checkpoints.json as the pipeline saved it: `<mapping id>/<shard>` → sequence number. */
const readCheckpoints = (stateDir: string): Record<string, string> => {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
};

/** Shards on which some Kinesis mapping has not checkpointed the run's last record; by mapping, shards past it. */
export const progress = (stateDir: string, mappingIds: readonly string[], ledger: FuzzLedger) => {
  const checkpoints = readCheckpoints(stateDir);
  // Without the template, the mappings are those that checkpoint the stream's shards.
  const ids =
    mappingIds.length > 0
      ? mappingIds
      : [
          ...new Set(
            Object.keys(checkpoints)
              .filter((key) => ledger.lastByShard.has(key.slice(key.lastIndexOf('/') + 1)))
              .map((key) => key.slice(0, key.lastIndexOf('/'))),
          ),
        ];
  const stalled = new Set<string>();
  const pastByMapping = new Map<string, number>();
  for (const id of ids) {
    let past = 0;
    for (const [shardId, last] of ledger.lastByShard) {
      const checkpoint = checkpoints[`${id}/${shardId}`];
      if (checkpoint !== undefined && BigInt(checkpoint) >= last) past++;
      else stalled.add(shardId);
    }
    pastByMapping.set(id, past);
  }
  if (ids.length === 0) for (const shardId of ledger.lastByShard.keys()) stalled.add(shardId);
  return { stalled: [...stalled].sort(), pastByMapping };
};

/**
 * Waits, bounded, until every Kinesis consumer has checkpointed past the run's last record on every shard,
 * showing each consumer's progress, and says how the wait ended.
 */
export const waitForConsumers = async (
  stateDir: string,
  mappingIds: readonly string[],
  consumers: readonly string[],
  ledger: FuzzLedger,
  timeoutSeconds: number,
) => {
  const waitStarted = Date.now();
  const deadline = waitStarted + timeoutSeconds * 1000;
  let { stalled, pastByMapping } = progress(stateDir, mappingIds, ledger);
  while (stalled.length > 0 && Date.now() < deadline) {
    const shards = ledger.lastByShard.size;
    status(
      `waiting for the consumers (${Math.round((Date.now() - waitStarted) / 1000)}s of at most ${timeoutSeconds}s): ` +
        [...pastByMapping]
          .map(([id, past], i) => `${consumers[i] ?? id} ${past}/${shards} shards past the run`)
          .join(' · '),
    );
    await sleep(2_000);
    ({ stalled, pastByMapping } = progress(stateDir, mappingIds, ledger));
  }
  endStatus();
  say(
    stalled.length === 0
      ? `every consumer was past the run after ${((Date.now() - waitStarted) / 1000).toFixed(1)}s; checking…`
      : `gave up waiting after ${timeoutSeconds}s: ${stalled.join(', ')} not past the run; checking what arrived…`,
  );
};
