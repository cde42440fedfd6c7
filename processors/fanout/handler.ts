import { dynamodb } from '../clients/dynamodb.ts';
import { sns } from '../clients/sns.ts';
import { loadFanoutConfig } from './config.ts';
import { createFanoutHandler } from './fanout-batch.ts';

/** The stream fan-out's entry (`index.handler`): the fan-out on the real clients and its environment. */
export const handler = createFanoutHandler({ config: loadFanoutConfig(), dynamodb, sns });
