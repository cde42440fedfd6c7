import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';

/** Where event source mappings put the records they gave up on (S3 on-failure destination). */
export const ON_FAILURE_PREFIX = 'aws/lambda/';

/** What one function's mappings gave up on, after retries or maximum record age. */
export interface GivenUp {
  readonly functionName: string;
  readonly records: number;
  readonly batches: number;
}

interface FailureRecord {
  readonly requestContext?: { readonly functionArn?: string };
  readonly KinesisBatchInfo?: { readonly batchSize?: number };
  readonly DDBStreamBatchInfo?: { readonly batchSize?: number };
}

/** `arn:aws:lambda:…:function:streamlake-Archive` → `streamlake-Archive`. */
const functionNameOf = (arn = ''): string =>
  arn.slice(arn.lastIndexOf(':function:') + ':function:'.length) || arn;

/** Pure: on-failure record bodies → records given up on per function, in name order. */
export const summarizeGivenUp = (bodies: readonly string[]): GivenUp[] => {
  const byFunction = new Map<string, { records: number; batches: number }>();
  for (const body of bodies) {
    const record = JSON.parse(body) as FailureRecord;
    const name = functionNameOf(record.requestContext?.functionArn);
    const size = record.KinesisBatchInfo?.batchSize ?? record.DDBStreamBatchInfo?.batchSize ?? 0;
    const total = byFunction.get(name) ?? { records: 0, batches: 0 };
    byFunction.set(name, { records: total.records + size, batches: total.batches + 1 });
  }
  return [...byFunction]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([functionName, total]) => ({ functionName, ...total }));
};

/** Reads every on-failure record in the local lake bucket (s3rver's folder). */
export const readGivenUp = (state: Pick<CloudState, 's3Directory' | 'lakeBucket'>): GivenUp[] => {
  const folder = objectFolder(state, ON_FAILURE_PREFIX);
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith(S3RVER_OBJECT_SUFFIX),
  );
  return summarizeGivenUp(files.map((file) => readFileSync(join(folder, file), 'utf8')));
};

/** `streamlake-Archive 14,481 records in 10 batches`, or undefined when nothing was given up on. */
export const givenUpText = (givenUp: readonly GivenUp[]): string | undefined =>
  givenUp.length === 0
    ? undefined
    : givenUp
        .map(
          (g) =>
            `${g.functionName} ${g.records.toLocaleString('en-US')} records in ${g.batches} batch${g.batches === 1 ? '' : 'es'}`,
        )
        .join(', ');
