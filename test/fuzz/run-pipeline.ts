import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_REGION, type LocalClients, type LocalEndpoints } from '../../infra/local/clients.ts';
import type { CloudState } from '../../infra/local/cloud-state.ts';
import { stackResources } from '../../infra/local/stack-resources.ts';
import { planFromTemplate, type Template } from '../../infra/local/template.ts';
import { START_IT } from './run-console.ts';

// The running local pipeline npm run fuzz loads: where it listens, what consumes its stream, whether it answers.

/** The endpoints `npm start` wrote to cloud.json; load only ever targets the loopback address. */
export const loopbackEndpoints = (stateDir: string): LocalEndpoints => {
  const file = join(stateDir, 'cloud.json');
  const { endpoints } = JSON.parse(readFileSync(file, 'utf8')) as { endpoints?: Partial<LocalEndpoints> };
  if (!endpoints?.kinesis || !endpoints.dynamodb || !endpoints.s3) {
    throw new Error(`${file} names no endpoints (an older npm start wrote it?): ${START_IT}`);
  }
  for (const [service, url] of Object.entries(endpoints)) {
    if (typeof url !== 'string') continue;
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1') {
      throw new Error(`${file} gives ${service} at ${url}: npm run fuzz only ever sends load to 127.0.0.1`);
    }
  }
  return endpoints as LocalEndpoints;
};

/** The Kinesis event source mappings of the synthesized stack: id, and the consumer name each quarantines as. */
export const kinesisConsumers = (stateDir: string): { mappingIds: string[]; consumers: string[] } => {
  const fallback = { mappingIds: [] as string[], consumers: ['aggregate', 'archive'] };
  const assembly = join(stateDir, 'cdk.out');
  let files: string[];
  try {
    files = readdirSync(assembly).filter((f) => f.endsWith('.template.json'));
  } catch {
    return fallback;
  }
  for (const file of files) {
    const template = JSON.parse(readFileSync(join(assembly, file), 'utf8')) as Template;
    if (!Object.values(template.Resources ?? {}).some((r) => r.Type === 'AWS::Lambda::EventSourceMapping'))
      continue;
    const plan = planFromTemplate(template, {
      region: LOCAL_REGION,
      accountId: '000000000000',
      stackName: 'streamlake',
    });
    const { mappings } = stackResources(template, plan, file.slice(0, -'.template.json'.length));
    const running = (['aggregate', 'archive'] as const).filter((consumer) => mappings[consumer].enabled);
    return {
      mappingIds: running.map((consumer) => mappings[consumer].id),
      consumers: [...running],
    };
  }
  return fallback;
};

/** The buckets that may hold on-failure objects, as cloud.json lists them (older files: the lake's). */
export const bucketsOf = (stateDir: string, state: CloudState): string[] =>
  (JSON.parse(readFileSync(join(stateDir, 'cloud.json'), 'utf8')) as { buckets?: string[] }).buckets ?? [
    state.lakeBucket,
  ];

const probe = async (what: string, endpoint: string, call: (signal: AbortSignal) => Promise<unknown>) => {
  try {
    await call(AbortSignal.timeout(5_000));
  } catch (error) {
    const detail = (error as { code?: string }).code ?? (error as Error).name ?? String(error);
    throw new Error(`the local pipeline's ${what} at ${endpoint} is not reachable (${detail}): ${START_IT}`);
  }
};

/** Throws, saying how to start it, unless the pipeline's Kinesis, DynamoDB and S3 all answer. */
export const probePipeline = async (
  state: CloudState,
  streamName: string,
  endpoints: LocalEndpoints,
  clients: LocalClients,
) => {
  await probe('Kinesis', endpoints.kinesis, (abortSignal) =>
    clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }), { abortSignal }),
  );
  await probe('DynamoDB', endpoints.dynamodb, (abortSignal) =>
    clients.dynamodb.send(new DescribeTableCommand({ TableName: state.rollupsTable }), { abortSignal }),
  );
  await probe('S3', endpoints.s3, (abortSignal) =>
    clients.s3.send(new HeadBucketCommand({ Bucket: state.lakeBucket }), { abortSignal }),
  );
};
