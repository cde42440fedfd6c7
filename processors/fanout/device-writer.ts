import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { type WriteFailure, writeFailure } from '../shared/write-failure.ts';
import type { SilenceAlertRule } from './alert-rules.ts';
import type { AlertStoreOptions } from './alert-store.ts';
import { type AlertReport, countTransition } from './alert-writer.ts';
import { buildDeviceStateUpdate, type DeviceMinute, windowEndOf } from './device-state.ts';
import { applySilence } from './silent-devices.ts';

export interface DeviceReport {
  updated: number;
  /** Older than what the item holds (re-delivery, or a late shard): left as it is. */
  stale: number;
  /** Devices whose state could not be written, by device id and the record of their minute. */
  failed: WriteFailure[];
}

export interface DeviceWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly concurrency: number;
  readonly alerts: AlertStoreOptions;
  readonly silence: SilenceAlertRule;
}

/**
 * Writes each device's latest minute; a device the silent check marked (`silentSince`) is back, so its
 * silence alert is resolved, and only then is the mark removed (a crash in between retries the resolve).
 */
export const writeDeviceStates = async (
  options: DeviceWriterOptions,
  minutes: readonly DeviceMinute[],
  alerts: AlertReport,
): Promise<DeviceReport> => {
  const report: DeviceReport = { updated: 0, stale: 0, failed: [] };
  await mapWithConcurrency(minutes, options.concurrency, async (minute) => {
    try {
      const result = await options.client
        .send(new UpdateCommand(buildDeviceStateUpdate(options.tableName, minute)))
        .catch((error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) return undefined;
          throw error;
        });
      if (!result) {
        report.stale++;
        return;
      }
      report.updated++;
      const silentSince = result.Attributes?.silentSince;
      if (typeof silentSince !== 'string') return;
      const at = windowEndOf(minute.minute);
      const verdict = {
        kind: 'clear',
        value: 0,
        threshold: options.silence.silentMinutes,
        window: at,
      } as const;
      countTransition(
        alerts,
        await applySilence(options.alerts, options.silence, minute.deviceId, verdict, at),
      );
      await options.client
        .send(
          new UpdateCommand({
            TableName: options.tableName,
            Key: { deviceId: minute.deviceId },
            UpdateExpression: 'REMOVE #silentSince',
            ConditionExpression: '#silentSince = :silentSince',
            ExpressionAttributeNames: { '#silentSince': 'silentSince' },
            ExpressionAttributeValues: { ':silentSince': silentSince },
          }),
        )
        .catch((error: unknown) => {
          // Marked silent again meanwhile: that newer mark stays.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    } catch (error) {
      report.failed.push(writeFailure(minute.deviceId, minute.sequenceNumber, error));
    }
  });
  return report;
};
