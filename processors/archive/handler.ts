import { dynamodb, s3 } from '../clients.ts';
import { loadDedupConfig } from '../dedup/config.ts';
import { DedupMemory } from '../dedup/shard-memory.ts';
import { createArchiveHandler } from './archive-batch.ts';
import { loadArchiveConfig } from './config.ts';

/** The archive's entry (`index.handler`): the archive on the real S3 client and its environment. */
export const handler = createArchiveHandler({
  config: loadArchiveConfig(),
  s3,
  duplicates: new DedupMemory({ client: dynamodb, consumer: 'archive', ...loadDedupConfig() }),
});
