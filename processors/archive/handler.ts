import { dynamodb } from '../clients/dynamodb.ts';
import { s3 } from '../clients/s3.ts';
import { loadDedupConfig } from '../dedup/config.ts';
import { DedupMemory } from '../dedup/shard-memory.ts';
import { createArchiveHandler } from './archive-batch.ts';
import { loadArchiveConfig } from './config.ts';
import { LakeIntents } from './intent-store.ts';

const config = loadArchiveConfig();
const dedup = loadDedupConfig();

/** The archive's entry (`index.handler`): the archive on the real clients and its environment. */
export const handler = createArchiveHandler({
  config,
  s3,
  duplicates: new DedupMemory({ client: dynamodb, consumer: 'archive', ...dedup }),
  intents: new LakeIntents({
    dynamodb,
    s3,
    tableName: dedup.tableName,
    lakeBucket: config.lakeBucket,
    lakePrefix: config.lakePrefix,
  }),
});
