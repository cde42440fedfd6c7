import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { UsageError } from '../../producers/cli-options.ts';
import {
  type Command,
  type GivenArguments,
  parseCommand,
  stateDirOf,
  stateDirOption,
} from '../shared/command-line.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';
import { rangeOption } from './backfill-range.ts';
import { byteSizeOption, defaultMaxHourBytes, HEAP_BYTES_PER_RAW_BYTE, sizeText } from './raw-budget.ts';

export interface BackfillOptions {
  readonly range: EventTimeRange;
  readonly rollups: readonly RollupDefinition[];
  readonly dryRun: boolean;
  /** Cut --to back to the last closed hour instead of refusing. */
  readonly clamp: boolean;
  /** On AWS (Athena, the deployed table) rather than the local cloud of `stateDir`. */
  readonly aws: boolean;
  readonly stateDir: string;
  /** With --aws: the file `npx cdk deploy --outputs-file FILE` wrote. */
  readonly outputsFile: string;
  /** What the rollups are recounted from: the lake as it is, or the lake first rebuilt from the raw zone. */
  readonly source: BackfillSource;
  /** With `source` raw: rebuild the lake's hours only, leave the rollups alone. */
  readonly lakeOnly: boolean;
  /** With `source` raw: the most stored raw bytes one hour may have (the rebuild holds an hour in memory). */
  readonly maxHourBytes: number;
}

export const BACKFILL_SOURCES = ['lake', 'raw'] as const;
export type BackfillSource = (typeof BACKFILL_SOURCES)[number];

/** `--source lake|raw`; lake when not given. */
export const sourceOption = (text: string | undefined): BackfillSource => {
  if (text === undefined) return 'lake';
  if (!(BACKFILL_SOURCES as readonly string[]).includes(text)) {
    throw new UsageError(`--source is lake or raw (given ${JSON.stringify(text)})`);
  }
  return text as BackfillSource;
};

/** `--rollup a,b` → those declarations; every declared rollup when not given. */
export const rollupsOption = (
  text: string | undefined,
  declared: readonly RollupDefinition[] = ROLLUPS,
): RollupDefinition[] => {
  if (text === undefined) return [...declared];
  const names = text.split(',').map((name) => name.trim());
  const byName = new Map(declared.map((r) => [r.name, r]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `unknown rollup ${unknown.map((n) => JSON.stringify(n)).join(', ') || '""'}; the declared rollups are ${declared.map((r) => r.name).join(', ')}`,
    );
  }
  return [...new Set(names)].map((name) => byName.get(name) as RollupDefinition);
};

const readBackfillOptions = (given: GivenArguments): BackfillOptions => {
  const aws = given.flag('aws');
  if (aws && given.text('state-dir') !== undefined) {
    throw new UsageError('--state-dir names a local cloud, not with --aws: drop one of them');
  }
  if (!aws && given.text('outputs') !== undefined) {
    throw new UsageError('--outputs applies with --aws: add --aws or drop --outputs');
  }
  const outputsFile = given.text('outputs') ?? 'cdk-outputs.json';
  if (outputsFile === '') throw new UsageError('--outputs needs a file (given "")');
  const source = sourceOption(given.text('source'));
  const lakeOnly = given.flag('lake-only');
  if (lakeOnly && source !== 'raw') {
    throw new UsageError(
      '--lake-only applies with --source raw (the lake is rebuilt from raw): add it or drop --lake-only',
    );
  }
  if (lakeOnly && given.text('rollup') !== undefined) {
    throw new UsageError('--lake-only recounts no rollup: drop --rollup or --lake-only');
  }
  const maxHourText = given.text('max-hour-bytes');
  if (maxHourText !== undefined && source !== 'raw') {
    throw new UsageError(
      '--max-hour-bytes applies with --source raw (it bounds the raw read per hour): add it or drop --max-hour-bytes',
    );
  }
  return {
    range: rangeOption(given.text('from'), given.text('to')),
    rollups: rollupsOption(given.text('rollup')),
    dryRun: given.flag('dry-run'),
    clamp: given.flag('clamp'),
    aws,
    stateDir: stateDirOf(given, DEFAULT_STATE_DIR),
    outputsFile,
    source,
    lakeOnly,
    maxHourBytes: byteSizeOption('--max-hour-bytes', maxHourText, defaultMaxHourBytes()),
  };
};

export const BACKFILL_COMMAND: Command<BackfillOptions> = {
  command: 'npm run backfill',
  synopsis:
    '--from HOUR --to HOUR [--source lake|raw [--lake-only] [--max-hour-bytes SIZE]] [--rollup NAME[,NAME…]] [--dry-run] [--clamp] [--state-dir DIR | --aws [--outputs FILE]]',
  description: `Recomputes rollups exactly for closed windows from the lake and replaces their items in the rollups
table: the SQL is generated from the rollup declarations (as verify's recount is), run by DuckDB over
the local lake, or with --aws by Athena in the stack's workgroup. Only items whose values differ are
written (measures and expiry; the high-water marks are left alone, so the live aggregator keeps
counting exactly once); items the recount no longer has are set to zero events. Running it twice
writes nothing the second time.
A window is closed once every record that could still count into it has been processed by both the
aggregate and the archive function: its end + allowed lateness + consumer lag + 60 s ≤ now. A range
reaching an open window is refused, naming the first one and when it closes (or cut back with --clamp).
With --source raw the lake's hours are first rebuilt from the raw zone (Firehose's copy of every
record) through the archive's own code: each hour becomes a new complete generation per dataset, which
replaces the hour's files for queries at once; then the rollups are recounted over it (not with
--lake-only). The raw zone's buffer interval is added to the margin. An hour is held in memory while it
is rebuilt (≈ ${HEAP_BYTES_PER_RAW_BYTE} heap bytes per stored raw byte): every hour is listed first, and a range with an hour
whose raw objects exceed --max-hour-bytes is refused before anything is read. With --aws the raw zone
is the deployed delivery stream's destination (DescribeDeliveryStream), the lake the stack's bucket, the
archive's settings its function's environment; credentials come from the SDK's default chain.`,
  options: {
    from: { type: 'string', value: 'HOUR', help: 'the first hour, UTC, as 2026-12-01T05' },
    to: { type: 'string', value: 'HOUR', help: 'the hour to stop before (exclusive), UTC, as 2026-12-01T07' },
    rollup: {
      type: 'string',
      value: 'NAMES',
      help: `the rollups to replace, comma-separated (default all: ${ROLLUPS.map((r) => r.name).join(', ')})`,
    },
    source: {
      type: 'string',
      value: 'lake|raw',
      help: 'recount from the lake as it is (default), or rebuild the lake from the raw zone first',
    },
    'lake-only': { type: 'boolean', help: 'with --source raw: rebuild the lake only, recount no rollup' },
    'max-hour-bytes': {
      type: 'string',
      value: 'SIZE',
      help: `with --source raw: the most raw bytes (GZIP, as stored) an hour may have, as 512MiB (default ${sizeText(defaultMaxHourBytes())}: the heap limit / ${HEAP_BYTES_PER_RAW_BYTE})`,
    },
    'dry-run': { type: 'boolean', help: 'recount and compare, print what would be written, write nothing' },
    clamp: { type: 'boolean', help: 'cut --to back to the last closed hour instead of refusing' },
    'state-dir': stateDirOption(
      `the local cloud's state folder (default ${DEFAULT_STATE_DIR}); npm start may be running`,
    ),
    aws: {
      type: 'boolean',
      help: 'the deployed stack: Athena, its rollups table, its functions and their metrics',
    },
    outputs: {
      type: 'string',
      value: 'FILE',
      help: 'with --aws: the file npx cdk deploy --outputs-file FILE wrote (default cdk-outputs.json)',
    },
  },
  notes: `Exit status: 0 when the range was replaced (or nothing differed), 1 when a live write changed some
item meanwhile (it is left as the live pipeline wrote it; run again later), 2 on a bad command line, a
range reaching open windows, an hour over --max-hour-bytes, or a failure.
With --aws the SDK's default credential chain is used (environment, profile or SSO, instance or task
role); --source raw needs firehose:DescribeDeliveryStream, lambda:GetFunctionConfiguration (aggregate and
archive), cloudwatch:GetMetricData, s3:ListBucket and s3:GetObject on the raw bucket, s3:ListBucket and
s3:PutObject on the lake bucket; the recount (any --aws run without --lake-only) athena:StartQueryExecution,
GetQueryExecution, GetQueryResults on the workgroup, glue:GetDatabase/GetTable(s), s3:GetObject on the lake,
s3:PutObject on the workgroup's results bucket, and dynamodb:Scan and UpdateItem on the rollups table.`,
  read: readBackfillOptions,
};

/** Parses `npm run backfill` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseBackfillArgs = (argv: readonly string[]): BackfillOptions | undefined =>
  parseCommand(BACKFILL_COMMAND, argv);
