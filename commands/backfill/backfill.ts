import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { measureAttribute, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { mapWithConcurrency } from '../../processors/shared/concurrency.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';
import { closedRange, DEFAULT_MARGIN_MS } from './closed-windows.ts';
import { existingItems } from './existing-items.ts';
import { type RecountEngine, recountRollup } from './recount-engine.ts';
import { planReplace, type RecountedItem, type WriteKind } from './replace-plan.ts';

export interface BackfillRequest {
  readonly engine: RecountEngine;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The rollups to replace, by declaration (ROLLUPS' or ones declared after the events were counted). */
  readonly rollups: readonly RollupDefinition[];
  /** Whole hours of event time; `toMs` exclusive. */
  readonly range: EventTimeRange;
  /** The live consumers' allowed lateness (their ALLOWED_LATENESS_SECONDS). */
  readonly allowedLatenessMs: number;
  /** The aggregator's item retention (its ROLLUP_RETENTION_DAYS), for `expiresAt`. */
  readonly retentionSeconds: number;
  /** Measures how far the aggregate and archive functions are behind the stream, in ms. */
  readonly consumerLag: () => Promise<number>;
  /** Cut `--to` back to the last closed hour instead of refusing. @default false */
  readonly clamp?: boolean;
  /** Plan and report, write nothing. @default false */
  readonly dryRun?: boolean;
  /** @default DEFAULT_MARGIN_MS */
  readonly marginMs?: number;
  /** UpdateItem calls in flight at once. @default 16 */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface RollupOutcome {
  readonly rollup: string;
  /** Items compared: the union of the recount and the table's items in the range. */
  readonly compared: number;
  readonly unchanged: number;
  readonly created: number;
  readonly updated: number;
  readonly zeroed: number;
  /** Items a live write changed between the read and the replace: left as the live pipeline wrote them. */
  readonly conflicts: number;
  readonly pastRetention: number;
  /** Events the recount counted (the sum of its items' counts). */
  readonly events: number;
}

export interface BackfillReport {
  readonly engine: string;
  /** The range replaced (cut back with `clamp`). */
  readonly range: EventTimeRange;
  readonly consumerLagMs: number;
  readonly dryRun: boolean;
  readonly rollups: RollupOutcome[];
  readonly elapsedMs: number;
}

const COUNT = measureAttribute({ kind: 'count' });
const eventsIn = (items: readonly RecountedItem[]) =>
  items.reduce((sum, item) => sum + (item.values[COUNT] ?? 0), 0);

/** Sends the planned writes; returns how many of each kind landed and how many met a live write. */
const applyWrites = async (
  documents: DynamoDBDocumentClient,
  writes: ReturnType<typeof planReplace>['writes'],
  concurrency: number,
) => {
  const landed: Record<WriteKind, number> = { create: 0, update: 0, zero: 0 };
  let conflicts = 0;
  await mapWithConcurrency(writes, concurrency, async ({ kind, update }) => {
    try {
      await documents.send(new UpdateCommand(update));
      landed[kind]++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      conflicts++;
    }
  });
  return { landed, conflicts };
};

/**
 * Recomputes rollups for closed windows from the lake and replaces their items idempotently. Refuses
 * (OpenWindowsError) a range that reaches windows the live pipeline may still change; only items whose
 * values differ are written, and none of their high-water marks, so a rerun writes nothing and the live
 * aggregator keeps counting exactly once.
 */
export const backfill = async (request: BackfillRequest): Promise<BackfillReport> => {
  const now = request.now ?? Date.now;
  const started = now();
  const consumerLagMs = await request.consumerLag();
  const range = closedRange(
    request.range,
    {
      allowedLatenessMs: request.allowedLatenessMs,
      consumerLagMs,
      marginMs: request.marginMs ?? DEFAULT_MARGIN_MS,
      nowMs: started,
    },
    request.clamp,
  );
  const dryRun = request.dryRun === true;
  // One Scan for every rollup; a live write after it fails the replacing write's condition (a conflict).
  const existing = await existingItems(request.documents, request.tableName, request.rollups, range);
  const outcomes: RollupOutcome[] = [];
  for (const rollup of request.rollups) {
    const recount = await recountRollup(request.engine, rollup, range);
    const plan = planReplace({
      tableName: request.tableName,
      rollup,
      recount,
      existing: existing.get(rollup.name) ?? [],
      retentionSeconds: request.retentionSeconds,
      nowMs: now(),
    });
    const { landed, conflicts } = dryRun
      ? { landed: { create: 0, update: 0, zero: 0 }, conflicts: 0 }
      : await applyWrites(request.documents, plan.writes, request.concurrency ?? 16);
    outcomes.push({
      rollup: rollup.name,
      compared: plan.compared,
      unchanged: plan.unchanged,
      created: dryRun ? plan.writes.filter((w) => w.kind === 'create').length : landed.create,
      updated: dryRun ? plan.writes.filter((w) => w.kind === 'update').length : landed.update,
      zeroed: dryRun ? plan.writes.filter((w) => w.kind === 'zero').length : landed.zero,
      conflicts,
      pastRetention: plan.pastRetention,
      events: eventsIn(recount),
    });
  }
  return {
    engine: request.engine.name,
    range,
    consumerLagMs,
    dryRun,
    rollups: outcomes,
    elapsedMs: now() - started,
  };
};
