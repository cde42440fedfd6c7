import type { Context } from 'aws-lambda';
import { s3 } from '../clients/s3.ts';
import { runCompaction } from '../lake/compaction-run.ts';
import { s3LakeObjects } from '../lake/lake-objects.ts';
import { loadCompactionConfig } from './config.ts';
import { publishCompactionMetrics } from './telemetry.ts';

const config = loadCompactionConfig();
const objects = s3LakeObjects(s3, config.lakeBucket);

/** The scheduled compaction's entry (`index.handler`): one run over the lake, on the real S3 client. */
export const handler = async (_event: unknown, context: Context) => {
  const startedMs = Date.now();
  const report = await runCompaction({
    objects,
    prefix: config.lakePrefix,
    settings: config.settings,
    sliceBytes: config.sliceBytes,
    nowMs: startedMs,
    hasTimeForPart: () => context.getRemainingTimeInMillis() > config.partReserveMs,
  });
  publishCompactionMetrics(report, Date.now() - startedMs);
  return report;
};
