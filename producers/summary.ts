import { type Dataset, datasetOf } from '../schemas/index.ts';
import type { PoisonKind, ProducedRecord } from './source.ts';
import type { RecordOutcome } from './write-outcome.ts';

/** A record that never reached the stream, and why. */
export interface UnsentReport {
  readonly partitionKey: string;
  /** `clickstream.page_view` etc.; absent for poison records. */
  readonly schema?: string;
  readonly eventId?: string;
  readonly poison?: PoisonKind;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
}

/** Keeps memory bounded when a whole run fails (e.g. the stream is missing); counts stay exact. */
export const MAX_UNSENT_REPORTS = 1000;

/** Running totals over write outcomes. */
export class OutcomeTally {
  sent = 0;
  unsentCount = 0;
  poisonSent = 0;
  readonly unsent: UnsentReport[] = [];
  readonly unsentByError: Record<string, number> = {};
  readonly byDataset: Record<Dataset, number> = { clickstream: 0, telemetry: 0 };
  /** Accepted events per schema, e.g. `clickstream.purchase`. */
  readonly byType: Record<string, number> = {};
  readonly poisonByKind: Partial<Record<PoisonKind, number>> = {};

  add(outcome: RecordOutcome<ProducedRecord>): void {
    const { record } = outcome;
    if (outcome.status === 'unsent') {
      this.unsentCount++;
      this.unsentByError[outcome.errorCode] = (this.unsentByError[outcome.errorCode] ?? 0) + 1;
      if (this.unsent.length < MAX_UNSENT_REPORTS) {
        this.unsent.push({
          partitionKey: record.partitionKey,
          ...(record.event ? { schema: record.event.schema, eventId: record.event.eventId } : {}),
          ...(record.poison ? { poison: record.poison } : {}),
          errorCode: outcome.errorCode,
          errorMessage: outcome.errorMessage,
          attempts: outcome.attempts,
        });
      }
      return;
    }
    this.sent++;
    if (record.poison) {
      this.poisonSent++;
      this.poisonByKind[record.poison] = (this.poisonByKind[record.poison] ?? 0) + 1;
    } else if (record.event) {
      this.byDataset[datasetOf(record.event.schema)]++;
      this.byType[record.event.schema] = (this.byType[record.event.schema] ?? 0) + 1;
    }
  }
}
