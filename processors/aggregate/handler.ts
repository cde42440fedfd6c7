import { dynamodb } from '../clients/dynamodb.ts';
import { s3 } from '../clients/s3.ts';
import { loadDedupConfig } from '../dedup/config.ts';
import { DedupMemory } from '../dedup/shard-memory.ts';
import { createAggregateHandler } from './aggregate-batch.ts';
import { loadAggregateConfig } from './config.ts';

/** The aggregate's entry (`index.handler`): the aggregate on the real clients and its environment. */
export const handler = createAggregateHandler({
  config: loadAggregateConfig(),
  dynamodb,
  s3,
  duplicates: new DedupMemory({ client: dynamodb, consumer: 'aggregate', ...loadDedupConfig() }),
});
