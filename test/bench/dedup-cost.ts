import { packEntries, SeenEvents } from '../../processors/dedup/seen-events.ts';

/**
 * A warm memory of first copies (D14) holding `remembered` of them: at 1,000 events/s on 2 shards a
 * function's shard holds ≈ 450,000 for the 15-minute horizon.
 */
export const warmMemory = (remembered: number): SeenEvents => {
  const seen = new SeenEvents();
  seen.remember(
    Array.from({ length: remembered }, (_, i) => ({ key: i.toString(16).padStart(16, '0'), tag: i })),
  );
  return seen;
};

/** What a batch adds to the dedup table: item bytes (entries, keys, names) and write units (1 KB each, rounded up). */
export const dedupWriteUnits = (batchSize: number) => {
  const entries = packEntries(
    Array.from({ length: batchSize }, (_, i) => ({ key: i.toString(16).padStart(16, '0'), tag: i })),
  ).byteLength;
  // pk "aggregate#shardId-000000000000" (30 B), sk "<13 digits>#<64 digits>" (78 B), expiresAt (21 B), names.
  const itemBytes =
    entries + 30 + 78 + 21 + 'pk'.length + 'sk'.length + 'entries'.length + 'expiresAt'.length;
  return { itemBytes, writeUnits: Math.ceil(itemBytes / 1024) };
};
