import type { CollectorFiguresSnapshot } from '../../infra/local/collector-figures.ts';
import { type LiveFigures, liveText } from '../../infra/local/dashboard/live-figures.ts';
import type { IotFigures } from '../../infra/local/iot/local-iot.ts';
import type { ProducerProgress } from '../../producers/progress.ts';
import { compactionFigures } from '../lake/lake-listing.ts';
import { streamText } from '../verify/verify-lake.ts';
import { compactionSummaryLine } from './compaction-text.ts';
import { deviceLiveText, deviceSummaryLines } from './device-text.ts';
import { edgeLiveText, edgeSummaryLine } from './edge-text.ts';
import { rawZoneSummaryLines, rawZoneWhereLines } from './raw-zone-text.ts';
import type { DemoRun } from './run-demo.ts';

const AGGREGATE = 'streamlake-aggregate';
const ARCHIVE = 'streamlake-archive';
const FANOUT = 'streamlake-fanout';

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The one live line: what went in (and through which edge), what came out, how far behind the consumers are, what fired. */
export const liveLine = (
  producer: ProducerProgress,
  live: LiveFigures,
  edge?: CollectorFiguresSnapshot,
  iot?: IotFigures,
): string => {
  const seconds = Math.max(producer.elapsedMs / 1000, 0.001);
  return [
    `${Math.round(seconds)}s`,
    `sent ${n(producer.sent)}`,
    edgeLiveText(edge),
    deviceLiveText(producer.devices, iot),
    liveText(live),
    producer.failed ? `UNSENT ${n(producer.failed)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
};

/**
 * Records each consumer's mapping gave up on during the run (after its retries or maximum record age),
 * by the consumer titles of the ops view: `aggregate 0, archive 14,481, fan-out 0`.
 */
const givenUpByConsumer = (run: DemoRun): { text: string; total: number } => {
  const mappings = [...run.cloud.plan.kinesisMappings, ...run.cloud.plan.dynamoDbStreamMappings];
  let total = 0;
  const parts = run.ops.view.resources.consumers.map((consumer) => {
    const mapping = mappings.find((m) => m.uuid === consumer.mappingUuid);
    const records = mapping ? run.stats.mapping(mapping.id).discarded : 0;
    total += records;
    return `${consumer.title} ${n(records)}`;
  });
  return { text: parts.join(', '), total };
};

/** The closing summary of `npm start`. */
export const demoSummary = (run: DemoRun): string => {
  const { cloud, producers } = run;
  const stats = run.stats.mapping(cloud.resources.mappings.aggregate.id);
  const m = cloud.metrics;
  const events = m.get('EventsIn', AGGREGATE);
  const writes = m.get('RollupWrites');
  const quarantined = Object.entries(m.byDimension('QuarantinedByReason', AGGREGATE))
    .map(([reason, count]) => `${reason} ${n(count)}`)
    .join(', ');
  const table = cloud.resources.rollupsTable.name;
  const lake = cloud.resources.lakeBucket.name;
  const givenUp = givenUpByConsumer(run);
  const lines = [
    '',
    'streamlake demo summary',
    `  events sent             ${n(producers.sent)} in ${n(producers.elapsedMs / 1000)}s (${Object.entries(
      producers.byDataset,
    )
      .map(([dataset, count]) => `${dataset} ${n(count)}`)
      .join(', ')}; ${n(producers.poisonSent)} poison on purpose)`,
    `  unsent                  ${n(producers.unsentCount)}${producers.unsentCount ? ` ${JSON.stringify(producers.unsentByError)}` : ''}`,
    ...[edgeSummaryLine(cloud.collectorFigures?.snapshot())].filter((line) => line !== undefined),
    ...deviceSummaryLines(producers.devices, cloud.iot?.figures()),
    `  processed by aggregator ${n(stats.processed)} records (${n(events)} events) in ${n(stats.invocations)} invocations${run.drained ? '' : ' (NOT caught up)'}`,
    `  aggregated              ${n(m.get('RecordsAggregated', AGGREGATE))}`,
    `  quarantined             ${n(m.get('RecordsQuarantined', AGGREGATE))}${quarantined ? ` (${quarantined})` : ''}`,
    `  given up on (on-failure) ${givenUp.text}${givenUp.total ? ` — NOT counted: see s3://${lake}/aws/lambda/` : ''}`,
    `  rollup items written    ${n(m.get('RollupItems'))} (writes ${n(writes)}, conflict retries ${n(m.get('RollupConflictRetries'))}, min/max refinements ${n(m.get('RollupExtremesRefinements'))}, duplicates skipped ${n(m.get('DuplicatesSkipped', AGGREGATE))})`,
    `  DynamoDB writes / 1,000 ${events ? n((writes / events) * 1000) : '-'} events (lower bound ${events ? n((m.get('RollupItems') / events) * 1000) : '-'})`,
    `  max iterator age        ${n(stats.maxIteratorAgeMs / 1000)}s`,
    `  fan-out (rollups stream) ${n(m.get('DerivedUpdates', FANOUT))} derived updates, ${n(m.get('DeviceStateUpdates', FANOUT))} device-state updates, duplicates skipped ${n(m.get('DuplicatesSkipped', FANOUT))}`,
    `  alerts                  ${n(cloud.alerts.opened)} opened, ${n(cloud.alerts.resolved)} resolved (SNS topic; kept in ${cloud.state ?? '(memory)'}/alerts.jsonl)`,
    `  archived to the lake    ${n(m.get('RecordsArchived', ARCHIVE))} records in ${n(m.get('ParquetFiles', ARCHIVE))} Parquet files (${n(m.get('ParquetBytes', ARCHIVE) / 1024)} KiB)`,
    compactionSummaryLine(compactionFigures({ s3Directory: cloud.s3Directory, lakeBucket: lake })),
    ...rawZoneSummaryLines(cloud.firehose),
    '',
    'where the data is',
    `  rollups      DynamoDB table ${table} at ${cloud.endpoints.dynamodb} — npm run rollups`,
    `  lake         s3://${lake}/lake/<dataset>/dt=…/hour=…/ — npm run query -- "SELECT dt, hour, count(*) FROM clickstream GROUP BY ALL"`,
    ...rawZoneWhereLines(cloud.firehose),
    `  quarantine   s3://${lake}/quarantine/ at ${cloud.endpoints.s3} — npm run replay -- --dry-run`,
    `  failures     s3://${lake}/aws/lambda/ (on-failure destination)`,
    `  stream truth ${run.truth.path} (a recount of the stream: ${streamText(run.truth.counters)}) — npm run verify`,
    `  state        ${cloud.state ?? '(in memory)'} — the next npm start continues from here; --fresh starts over`,
  ];
  return lines.join('\n');
};
