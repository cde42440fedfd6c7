import type { DeliveryFigures } from '../../infra/local/firehose/delivery-metrics.ts';
import type { DeliveryStreamPlan } from '../../infra/local/firehose/delivery-stream-plan.ts';
import { compilePrefixes } from '../../infra/local/firehose/prefix-expression.ts';

/** What the summary reads of the local Firehose: its delivery streams and what each delivered this run. */
export interface RawZoneSource {
  readonly deliveryStreams: readonly DeliveryStreamPlan[];
  readonly figures: { of(deliveryStream: string): Readonly<DeliveryFigures> };
}

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

const MiB = 1024 * 1024;

/** `812 KiB`, `14.2 MiB`: a demo's raw zone ranges from a few objects to tens of megabytes. */
const size = (bytes: number) => (bytes < MiB ? `${n(bytes / 1024)} KiB` : `${n(bytes / MiB)} MiB`);

/**
 * Where a delivery stream's objects go, its expressions shown as `…`: `s3://<bucket>/raw/dt=…/hour=…/`.
 * A destination without a timestamp expression gets Firehose's `yyyy/MM/dd/HH/`, shown as `…` too.
 */
export const rawZoneLocation = (plan: DeliveryStreamPlan): string => {
  const { bucketName, prefix, errorOutputPrefix } = plan.destination;
  const shown = compilePrefixes(prefix, errorOutputPrefix)
    .data.map((part) => (part.kind === 'text' ? part.text : '…'))
    .join('')
    .replace(/…+/g, '…');
  return `s3://${bucketName}/${shown}`;
};

/** How each object holds its records: `GZIP JSON lines` for the raw zone. */
const formatOf = (plan: DeliveryStreamPlan): string => {
  const { compression, delimiter } = plan.destination;
  const gzip = compression === 'GZIP' ? 'GZIP ' : '';
  return delimiter === '\n' ? `${gzip}JSON lines` : `${gzip}records back to back, no delimiter`;
};

/**
 * The summary's line per delivery stream: records, objects and bytes it delivered this run (stored, that is
 * compressed, and as sent), and where; none when the stack has no delivery stream.
 */
export const rawZoneSummaryLines = (firehose: RawZoneSource | undefined): string[] => {
  if (!firehose) return [];
  return firehose.deliveryStreams.map((plan) => {
    const f = firehose.figures.of(plan.name);
    const retries = f.failedPuts ? `, ${n(f.failedPuts)} PutObject retries` : '';
    return (
      `  raw zone (Firehose)     ${n(f.records)} records in ${n(f.objects)} object${f.objects === 1 ? '' : 's'}, ` +
      `${size(f.objectBytes)} stored (${size(f.bytes)} as sent)${retries} — ${rawZoneLocation(plan)}`
    );
  });
};

/** The "where the data is" line per delivery stream. */
export const rawZoneWhereLines = (firehose: RawZoneSource | undefined): string[] =>
  (firehose?.deliveryStreams ?? []).map(
    (plan) =>
      `  raw          ${rawZoneLocation(plan)} (every record as the stream accepted it, ${formatOf(plan)})`,
  );
