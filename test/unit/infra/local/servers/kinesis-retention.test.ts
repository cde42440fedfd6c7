import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trimExpiredRecords } from '../../../../../infra/local/servers/kinesis-retention.mjs';

// kinesalite's own store and actions, in memory (memdown): the trim is tested against the real thing.
const require = createRequire(import.meta.url);
const kinesaliteDb = require('kinesalite/db');
type Callback<T> = (error: Error | null, result: T) => void;
type Action<T> = (store: unknown, data: Record<string, unknown>, cb: Callback<T>) => void;
const action =
  <T>(name: string) =>
  (store: unknown, data: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) =>
      (require(`kinesalite/actions/${name}`) as Action<T>)(store, data, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
const createStream = action<unknown>('createStream');
const putRecords = action<unknown>('putRecords');
const increaseRetention = action<unknown>('increaseStreamRetentionPeriod');
const describeStream = action<{ StreamDescription: { StreamStatus: string } }>('describeStream');

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

const newStore = () =>
  kinesaliteDb.create({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });

const activeStream = async (store: unknown, name: string, shards = 2) => {
  await createStream(store, { StreamName: name, ShardCount: shards });
  while ((await describeStream(store, { StreamName: name })).StreamDescription.StreamStatus !== 'ACTIVE')
    await new Promise((resolve) => setTimeout(resolve, 5));
};

const put = (store: unknown, name: string, count: number) =>
  putRecords(store, {
    StreamName: name,
    Records: Array.from({ length: count }, (_, i) => ({
      Data: Buffer.from(`event ${i}`).toString('base64'),
      PartitionKey: `key-${i}`,
    })),
  });

/** Every record key kinesalite holds for `name` (`<shard>/<sequence number>`). */
const keysOf = (
  store: { getStreamDb(name: string): { createKeyStream(): NodeJS.ReadableStream } },
  name: string,
) =>
  new Promise<string[]>((resolve, reject) => {
    const keys: string[] = [];
    store
      .getStreamDb(name)
      .createKeyStream()
      .on('data', (key: string) => keys.push(key))
      .on('error', reject)
      .on('end', () => resolve(keys));
  });

describe("the local stream's retention trim", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('deletes the records older than the retention period (24 h), keeps the younger ones', async () => {
    const store = newStore();
    await activeStream(store, 'events');
    await put(store, 'events', 30);
    vi.setSystemTime(T0 + 2 * HOUR);
    await put(store, 'events', 20);
    expect(await keysOf(store, 'events')).toHaveLength(50);

    expect(await trimExpiredRecords(store, T0 + 23 * HOUR)).toBe(0);
    expect(await trimExpiredRecords(store, T0 + 25 * HOUR)).toBe(30);
    expect(await keysOf(store, 'events')).toHaveLength(20);
    expect(await trimExpiredRecords(store, T0 + 27 * HOUR)).toBe(20);
    expect(await keysOf(store, 'events')).toEqual([]);
  });

  it("reads each stream's own retention period", async () => {
    const store = newStore();
    await activeStream(store, 'day');
    await activeStream(store, 'week');
    await increaseRetention(store, { StreamName: 'week', RetentionPeriodHours: 168 });
    await put(store, 'day', 10);
    await put(store, 'week', 10);

    expect(await trimExpiredRecords(store, T0 + 48 * HOUR)).toBe(10);
    expect(await keysOf(store, 'day')).toEqual([]);
    expect(await keysOf(store, 'week')).toHaveLength(10);
  });

  it('deletes batch after batch until every expired record of a shard is gone', async () => {
    const store = newStore();
    await activeStream(store, 'events', 1);
    await put(store, 'events', 25);
    vi.setSystemTime(T0 + HOUR);
    await put(store, 'events', 5);

    expect(await trimExpiredRecords(store, T0 + 24.5 * HOUR, 10)).toBe(25);
    expect(await keysOf(store, 'events')).toHaveLength(5);
    expect(await trimExpiredRecords(store, T0 + 24.5 * HOUR, 10)).toBe(0);
  });
});
