import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { createArchiveHandler } from '../../../../processors/archive/archive-batch.ts';
import type { ArchiveConfig } from '../../../../processors/archive/config.ts';
import { LakeIntents } from '../../../../processors/archive/intent-store.ts';
import { DedupMemory } from '../../../../processors/dedup/shard-memory.ts';
import { fakeDedupTable } from '../../support/fake-dedup-table.ts';
import { FakeS3 } from '../../support/fake-s3.ts';
import { invokePrinting } from '../../support/processor-telemetry.ts';

export const config: ArchiveConfig = {
  policy: { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 },
  lakeBucket: 'lake',
  lakePrefix: 'lake/',
  quarantinePrefix: 'quarantine/',
  writeConcurrency: 4,
};

export interface FakeFaults {
  /** PutObject of `key` fails. */
  lakeWrite?: (key: string) => boolean;
  /** The memory's PutItem fails (the batch dies after its files landed). */
  memoryWrite?: () => boolean;
}

/**
 * The archive on a fake S3 and a fake dedup table, with faults that can change between invocations. `cold()`
 * is another execution environment on the same S3 and table (nothing in its memory yet), as a retry may get;
 * `handle` invokes it plainly, `invoke` also catches what it printed.
 */
export const archiveOnFakes = (faults: FakeFaults = {}, overrides: Partial<ArchiveConfig> = {}) => {
  const s3 = new FakeS3((input) => {
    if (faults.lakeWrite?.(String(input.Key))) throw new Error('S3 unavailable');
  });
  const table = fakeDedupTable();
  const dynamodb = {
    send: async (command: unknown) => {
      if (command instanceof PutCommand && faults.memoryWrite?.()) throw new Error('DynamoDB unavailable');
      return table.client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const environment = () => {
    const handler = createArchiveHandler({
      config: { ...config, ...overrides },
      s3: s3.client,
      duplicates: new DedupMemory({
        client: dynamodb,
        tableName: 'Dedup',
        consumer: 'archive',
        horizonMs: 900_000,
      }),
      intents: new LakeIntents({
        dynamodb,
        s3: s3.client,
        tableName: 'Dedup',
        lakeBucket: 'lake',
        lakePrefix: 'lake/',
      }),
    });
    const handle = (records: KinesisStreamRecord[]) => handler({ Records: records });
    /** Resolves with the handler's result and the lines it printed. */
    const invoke = (records: KinesisStreamRecord[]) => invokePrinting(() => handle(records));
    return { handle, invoke };
  };
  return { ...environment(), cold: environment, s3, table };
};
