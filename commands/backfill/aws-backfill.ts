import { existsSync, readFileSync } from 'node:fs';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { athenaEngine } from './athena-engine.ts';
import { awsConsumerLagMs, awsLiveSettings, type LiveFunctions } from './aws-live.ts';
import { type BackfillReport, backfill } from './backfill.ts';
import type { BackfillChoice } from './local-backfill.ts';

/** The stack outputs backfill reads on AWS. */
const OUTPUTS = [
  'RollupsTableName',
  'AthenaWorkGroupName',
  'GlueDatabaseName',
  'AggregateFunctionName',
  'ArchiveFunctionName',
] as const;
type Outputs = Record<(typeof OUTPUTS)[number], string>;

/**
 * The named outputs of the one deployed stack in the file `npx cdk deploy --outputs-file` wrote that has them
 * all; throws naming what is missing.
 */
export const stackOutputs = <Name extends string>(
  file: string,
  names: readonly Name[],
): Record<Name, string> => {
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: deploy with npx cdk deploy --outputs-file ${file}, or pass --outputs FILE`,
    );
  }
  const stacks = Object.entries(
    JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>,
  );
  const complete = stacks.filter(([, values]) => names.every((name) => typeof values?.[name] === 'string'));
  if (complete.length !== 1) {
    throw new Error(
      `${file} holds ${complete.length === 0 ? 'no stack' : `${complete.length} stacks`} with the outputs ${names.join(', ')}: deploy the streamlake stack with --outputs-file ${file}`,
    );
  }
  return complete[0]?.[1] as Record<Name, string>;
};

/** The deployed stack's outputs backfill reads, from the file `npx cdk deploy --outputs-file` wrote. */
export const backfillOutputs = (file: string): Outputs => stackOutputs(file, OUTPUTS);

/** Backfill on AWS: Athena recounts, the deployed table is replaced, the deployed functions set the boundary. */
export const backfillOnAws = async (outputsFile: string, choice: BackfillChoice): Promise<BackfillReport> => {
  const outputs = backfillOutputs(outputsFile);
  const functions: LiveFunctions = {
    aggregate: outputs.AggregateFunctionName,
    archive: outputs.ArchiveFunctionName,
  };
  const athena = new AthenaClient({});
  const cloudwatch = new CloudWatchClient({});
  const lambda = new LambdaClient({});
  const dynamodb = new DynamoDBClient({});
  try {
    return await backfill({
      ...choice,
      ...(await awsLiveSettings(lambda, functions)),
      engine: athenaEngine({
        client: athena,
        workGroup: outputs.AthenaWorkGroupName,
        database: outputs.GlueDatabaseName,
      }),
      documents: DynamoDBDocumentClient.from(dynamodb),
      tableName: outputs.RollupsTableName,
      consumerLag: () => awsConsumerLagMs(cloudwatch, functions, Date.now()),
    });
  } finally {
    for (const client of [athena, cloudwatch, lambda, dynamodb]) client.destroy();
  }
};
