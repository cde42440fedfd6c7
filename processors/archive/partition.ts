import { type Dataset, datasetOf } from '../../schemas/index.ts';
import type { AcceptedRecord } from '../shared/classify.ts';

/** The accepted records of one dataset and one event-time hour, in sequence order. */
export interface LakePartition {
  readonly dataset: Dataset;
  /** `dt=2026-11-22/hour=05`: the Hive-style partition path (UTC). */
  readonly partition: string;
  readonly records: AcceptedRecord[];
}

/** `2026-11-22T05:06:07.123Z` (as epoch ms) → `dt=2026-11-22/hour=05`. */
export const partitionOf = (eventTimeMs: number): string => {
  const iso = new Date(eventTimeMs).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
};

/**
 * Groups a batch's accepted records by dataset and event-time hour, keeping each group in sequence
 * order. Groups come out in the order their first record appears, so the same batch always yields
 * the same groups.
 */
export const partitionBatch = (records: readonly AcceptedRecord[]): LakePartition[] => {
  const groups = new Map<string, LakePartition>();
  const HOUR_MS = 3_600_000;
  let lastHour = Number.NaN;
  let lastPartition = '';
  for (const record of records) {
    const hour = Math.floor(record.eventTimeMs / HOUR_MS);
    if (hour !== lastHour) {
      lastHour = hour;
      lastPartition = partitionOf(record.eventTimeMs);
    }
    const dataset = datasetOf(record.event.schema);
    const id = `${dataset}/${lastPartition}`;
    let group = groups.get(id);
    if (!group) {
      group = { dataset, partition: lastPartition, records: [] };
      groups.set(id, group);
    }
    group.records.push(record);
  }
  return [...groups.values()];
};
