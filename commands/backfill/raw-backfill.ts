import { loadCompactionConfig } from '../../processors/compact/config.ts';
import type { LakeObjects } from '../../processors/lake/lake-objects.ts';
import { loadAcceptancePolicy } from '../../processors/shared/acceptance-policy.ts';
import type { AcceptancePolicy } from '../../processors/shared/classify.ts';
import { DEFAULT_LAKE_PREFIX } from '../../processors/shared/lake-layout.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';
import type { BackfillReport } from './backfill.ts';
import { closedRange, DEFAULT_MARGIN_MS } from './closed-windows.ts';
import { type LakeRebuildReport, type RawZone, rebuildLakeFromRaw } from './lake-rebuild.ts';
import { localLiveSettings } from './live-settings.ts';
import { type BackfillChoice, backfillLocal, type LocalTarget, localConsumerLag } from './local-backfill.ts';

/** `--source raw`: the lake's hours rebuilt from the raw zone, then (unless `lakeOnly`) the rollups recounted. */
export interface RawBackfillChoice extends BackfillChoice {
  /** Rebuild the lake only; leave the rollups as they are. @default false */
  readonly lakeOnly?: boolean;
  /** Refuse the range when an hour's raw objects hold more stored bytes than this. @default no limit */
  readonly maxHourBytes?: number;
}

export interface RawBackfillReport {
  readonly rebuild: LakeRebuildReport;
  /** The recount over the rebuilt lake; absent with `lakeOnly` or a dry run (the lake is unchanged then). */
  readonly backfill?: BackfillReport;
}

/** Where the rebuild reads and writes, and what the live pipeline's settings are. */
export interface RawBackfillRequest {
  readonly raw: RawZone;
  readonly lake: LakeObjects;
  readonly lakePrefix: string;
  /** The archive's acceptance policy. */
  readonly policy: AcceptancePolicy;
  /** The larger of the two consumers' lateness: what closes a window (closed-windows.ts). */
  readonly allowedLatenessMs: number;
  readonly consumerLag: () => Promise<number>;
  /** The recount of the rollups over the rebuilt lake, for the (closed) range. */
  readonly recount: (range: EventTimeRange) => Promise<BackfillReport>;
}

/**
 * Rebuilds the range's lake hours from raw, then recounts the rollups over them. Only closed hours: the
 * boundary backfill uses, with the raw zone's buffer interval added to the margin (a record that arrived in
 * time may sit that long in Firehose's buffer before its object lands).
 */
export const backfillFromRaw = async (
  request: RawBackfillRequest,
  choice: RawBackfillChoice,
): Promise<RawBackfillReport> => {
  const range = closedRange(
    choice.range,
    {
      allowedLatenessMs: request.allowedLatenessMs,
      consumerLagMs: await request.consumerLag(),
      marginMs: (choice.marginMs ?? DEFAULT_MARGIN_MS) + request.raw.bufferIntervalMs,
      nowMs: (choice.now ?? Date.now)(),
    },
    choice.clamp,
  );
  const rebuild = await rebuildLakeFromRaw({
    raw: request.raw,
    lake: request.lake,
    lakePrefix: request.lakePrefix,
    policy: request.policy,
    // Parts sized by compaction's defaults (the local stack sets none of its own).
    compaction: loadCompactionConfig({ LAKE_BUCKET: 'unused' }).settings,
    range,
    dryRun: choice.dryRun,
    maxHourBytes: choice.maxHourBytes,
  });
  if (choice.lakeOnly || choice.dryRun) return { rebuild };
  return { rebuild, backfill: await request.recount(range) };
};

/** `--source raw` on a local cloud: its raw zone and lake through `lake`, its archive's settings, its rollups. */
export const backfillLocalFromRaw = (
  target: LocalTarget,
  stores: { readonly raw: RawZone; readonly lake: LakeObjects },
  choice: RawBackfillChoice,
): Promise<RawBackfillReport> => {
  const archive = target.resources.functions.archive.environment;
  return backfillFromRaw(
    {
      ...stores,
      lakePrefix: archive.LAKE_PREFIX ?? DEFAULT_LAKE_PREFIX,
      policy: loadAcceptancePolicy(archive),
      allowedLatenessMs: localLiveSettings(target.resources).allowedLatenessMs,
      consumerLag: localConsumerLag(target),
      recount: (range) => backfillLocal(target, { ...choice, range, clamp: false }),
    },
    choice,
  );
};
