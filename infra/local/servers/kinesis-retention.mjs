// Kinesis deletes a record once it is older than its stream's retention period (24 hours by default).
// kinesalite deletes a too-old record only when a GetRecords happens to walk over it, so records read
// once while fresh — every record a consumer keeps up with — stay in its LevelDB for ever. This trims
// them as Kinesis would, straight in kinesalite's store. Plain JavaScript: it runs in kinesalite's worker.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const kinesaliteDb = require('kinesalite/db');

const HOUR_MS = 3_600_000;
/**
 * Deletions per LevelDB batch: a pass deletes batch after batch, and kinesalite serves requests between
 * them, so a pass never holds its thread for long (at 1,000 events/s ≈ 60,000 records expire a minute).
 */
export const TRIM_BATCH = 5_000;

const streamsOf = (store) =>
  new Promise((resolve, reject) => {
    const streams = [];
    store.metaDb
      .createReadStream()
      .on('data', ({ key, value }) => streams.push({ name: key, stream: value }))
      .on('error', reject)
      .on('end', () => resolve(streams));
  });

/**
 * The keys of one shard's records older than `cutoffMs`, oldest first, at most `limit`. A shard's keys
 * are `<shard index, 8 hex>/<sequence number>` and a sequence number embeds the second it was written
 * (seqTime), growing with it: the expired records are a prefix of the shard, and the first record
 * young enough ends the walk.
 */
const expiredKeys = (streamDb, shardIx, cutoffMs, limit) =>
  new Promise((resolve, reject) => {
    const keys = [];
    const walk = streamDb.createKeyStream({
      gte: `${kinesaliteDb.shardIxToHex(shardIx)}/`,
      lt: kinesaliteDb.shardIxToHex(shardIx + 1),
      limit,
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(keys);
    };
    walk.on('data', (key) => {
      if (done) return;
      if (kinesaliteDb.parseSequence(key.split('/')[1]).seqTime >= cutoffMs) {
        walk.destroy();
        finish();
        return;
      }
      keys.push(key);
    });
    walk.on('error', reject);
    walk.on('end', finish);
    walk.on('close', finish);
  });

const deleteKeys = (streamDb, keys) =>
  new Promise((resolve, reject) => {
    if (keys.length === 0) return resolve();
    streamDb.batch(
      keys.map((key) => ({ type: 'del', key })),
      (error) => (error ? reject(error) : resolve()),
    );
  });

/** Deletes one shard's expired records, `batch` at a time; returns how many. */
const trimShard = async (streamDb, shardIx, cutoffMs, batch) => {
  let deleted = 0;
  for (;;) {
    const keys = await expiredKeys(streamDb, shardIx, cutoffMs, batch);
    await deleteKeys(streamDb, keys);
    deleted += keys.length;
    if (keys.length < batch) return deleted;
  }
};

/**
 * Deletes, in every stream of kinesalite's `store`, the records older than the stream's
 * RetentionPeriodHours at `nowMs`, `batch` at a time. Returns how many were deleted.
 */
export const trimExpiredRecords = async (store, nowMs, batch = TRIM_BATCH) => {
  let deleted = 0;
  for (const { name, stream } of await streamsOf(store)) {
    const cutoffMs = nowMs - stream.RetentionPeriodHours * HOUR_MS;
    const streamDb = store.getStreamDb(name);
    for (let shardIx = 0; shardIx < stream.Shards.length; shardIx++)
      deleted += await trimShard(streamDb, shardIx, cutoffMs, batch);
  }
  return deleted;
};
