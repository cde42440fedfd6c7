import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import { loadAcceptancePolicy } from '../../processors/shared/acceptance-policy.ts';
import { DEFAULT_LAKE_PREFIX } from '../../processors/shared/lake-layout.ts';
import { athenaEngine } from './athena-engine.ts';
import { stackOutputs } from './aws-backfill.ts';
import { awsConsumerLagMs, functionEnvironment, type LiveFunctions } from './aws-live.ts';
import { awsRawZone } from './aws-raw-source.ts';
import { backfill } from './backfill.ts';
import { liveSettingsOf } from './live-settings.ts';
import { backfillFromRaw, type RawBackfillChoice, type RawBackfillReport } from './raw-backfill.ts';
import type { RecountEngine } from './recount-engine.ts';

/** The stack outputs the rebuild reads: where raw and the lake are, and whose settings judge the records. */
export const RAW_REBUILD_OUTPUTS = [
  'RawZoneDeliveryStreamName',
  'StreamArn',
  'LakeBucketName',
  'AggregateFunctionName',
  'ArchiveFunctionName',
] as const;
/** And those the recount after it reads (not with `--lake-only`). */
export const RAW_RECOUNT_OUTPUTS = ['RollupsTableName', 'AthenaWorkGroupName', 'GlueDatabaseName'] as const;

/** The SDK clients `--aws --source raw` uses; Athena and DynamoDB only for the recount. */
export interface AwsRawClients {
  readonly s3: S3Client;
  readonly firehose: FirehoseClient;
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb?: DynamoDBClient;
  readonly athena?: AthenaClient;
}

/**
 * Clients from the SDK's defaults: credentials from the default provider chain (environment, shared config and
 * SSO profiles, instance or task role), region from AWS_REGION or the profile, endpoints as configured
 * (AWS_ENDPOINT_URL_<SERVICE> included).
 */
export const defaultAwsRawClients = (recount: boolean): AwsRawClients => ({
  s3: new S3Client({}),
  firehose: new FirehoseClient({}),
  lambda: new LambdaClient({}),
  cloudwatch: new CloudWatchClient({}),
  ...(recount ? { dynamodb: new DynamoDBClient({}), athena: new AthenaClient({}) } : {}),
});

const destroyAll = (clients: AwsRawClients) => {
  for (const client of Object.values(clients)) (client as { destroy(): void } | undefined)?.destroy();
};

/** What the AWS rebuild can be given instead of its defaults (tests: the local servers' clients and engine). */
export interface AwsRawDependencies {
  /** Used as given and left open. @default defaultAwsRawClients, destroyed after */
  readonly clients?: AwsRawClients;
  /** The recount engine. @default Athena in the stack's workgroup and Glue database */
  readonly engine?: RecountEngine;
}

/**
 * `--aws --source raw`: the deployed raw zone (its delivery stream described), the stack's lake bucket, the
 * archive function's acceptance policy and lake prefix (its environment), the consumers' IteratorAge as the lag;
 * then, unless `lakeOnly` or a dry run, the Athena recount into the stack's rollups table, as `--aws` backfills.
 */
export const backfillFromRawOnAws = async (
  outputsFile: string,
  choice: RawBackfillChoice,
  dependencies: AwsRawDependencies = {},
): Promise<RawBackfillReport> => {
  const recounts = !choice.lakeOnly && !choice.dryRun;
  const outputs = stackOutputs(outputsFile, [
    ...RAW_REBUILD_OUTPUTS,
    ...(recounts ? RAW_RECOUNT_OUTPUTS : []),
  ]) as Record<(typeof RAW_REBUILD_OUTPUTS)[number] | (typeof RAW_RECOUNT_OUTPUTS)[number], string>;
  const clients = dependencies.clients ?? defaultAwsRawClients(recounts);
  try {
    const functions: LiveFunctions = {
      aggregate: outputs.AggregateFunctionName,
      archive: outputs.ArchiveFunctionName,
    };
    const archive = await functionEnvironment(clients.lambda, functions.archive);
    const live = liveSettingsOf(await functionEnvironment(clients.lambda, functions.aggregate), archive);
    const consumerLag = () => awsConsumerLagMs(clients.cloudwatch, functions, Date.now());
    const raw = await awsRawZone(clients, {
      deliveryStreamName: outputs.RawZoneDeliveryStreamName,
      eventStreamArn: outputs.StreamArn,
    });
    return await backfillFromRaw(
      {
        raw,
        lake: s3LakeObjects(clients.s3, outputs.LakeBucketName),
        lakePrefix: archive.LAKE_PREFIX ?? DEFAULT_LAKE_PREFIX,
        policy: loadAcceptancePolicy(archive),
        allowedLatenessMs: live.allowedLatenessMs,
        consumerLag,
        recount: (range) => {
          const { athena, dynamodb } = clients;
          if (!dynamodb || (!athena && !dependencies.engine)) {
            throw new Error('the recount needs the DynamoDB and Athena clients (or an engine)');
          }
          const engine =
            dependencies.engine ??
            athenaEngine({
              client: athena as AthenaClient,
              workGroup: outputs.AthenaWorkGroupName,
              database: outputs.GlueDatabaseName,
            });
          return backfill({
            ...choice,
            range,
            clamp: false,
            ...live,
            engine,
            documents: DynamoDBDocumentClient.from(dynamodb),
            tableName: outputs.RollupsTableName,
            consumerLag,
          });
        },
      },
      choice,
    );
  } finally {
    if (!dependencies.clients) destroyAll(clients);
  }
};
