import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deviceSilentRule } from './alert-rules.ts';
import type { SilentCheckConfig } from './config.ts';
import { checkSilence, type SilenceCheckReport } from './silent-devices.ts';
import { logger, publishFanoutMetrics } from './telemetry.ts';

/** What the scheduled check runs on: its settings, clients and clock (real ones in silent-check-handler.ts). */
export interface SilentCheckDeps {
  readonly config: SilentCheckConfig;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  /** @default the system clock */
  readonly now?: () => Date;
}

export interface SilentCheckResult {
  silent: number;
  opened: number;
  resolved: number;
}

/** Publishes the run's counters, logs each device it could not handle and the run's summary. */
const reportCheck = (report: SilenceCheckReport): void => {
  publishFanoutMetrics({
    alertsOpened: report.opened,
    alertsResolved: report.resolved,
    failures: report.failed.length,
  });
  for (const failure of report.failed) {
    logger.error('silent-device check failed for a device; the next run retries it', {
      deviceId: failure.deviceId,
      error: failure.error,
    });
  }
  logger.info('silent devices checked', {
    silent: report.silent,
    opened: report.opened,
    resolved: report.resolved,
  });
};

/**
 * Scheduled: opens `device-silent` alerts for devices not seen for DEVICE_SILENT_MINUTES. A device it could
 * not handle fails the run (after the others are done), so the failure shows in the function's errors.
 */
export const createSilentDeviceCheck = (deps: SilentCheckDeps) => {
  const { config, dynamodb, sns } = deps;
  const now = deps.now ?? (() => new Date());
  return async (): Promise<SilentCheckResult> => {
    const report = await checkSilence(
      {
        client: dynamodb,
        sns,
        tableName: config.alertStateTable,
        topicArn: config.alertsTopicArn,
        deviceStateTable: config.deviceStateTable,
      },
      dynamodb,
      deviceSilentRule(config.deviceSilentMinutes),
      now(),
    );
    reportCheck(report);
    if (report.failed.length > 0) {
      throw new Error(`silent-device check failed for ${report.failed.length} device(s); see the log`);
    }
    return { silent: report.silent, opened: report.opened, resolved: report.resolved };
  };
};
