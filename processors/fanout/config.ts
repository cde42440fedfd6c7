import { numberEnv, requiredEnv } from '../shared/env.ts';

/** Settings both fan-out functions share, from their environment (set by the stack). */
const alertingConfig = () => ({
  deviceStateTable: requiredEnv('DEVICE_STATE_TABLE'),
  alertStateTable: requiredEnv('ALERT_STATE_TABLE'),
  alertsTopicArn: requiredEnv('ALERTS_TOPIC_ARN'),
  deviceSilentMinutes: numberEnv('DEVICE_SILENT_MINUTES', 5),
});

/** The stream fan-out function's settings. */
export const loadFanoutConfig = () => ({
  ...alertingConfig(),
  derivedRollupsTable: requiredEnv('DERIVED_ROLLUPS_TABLE'),
  retentionSeconds: numberEnv('DERIVED_RETENTION_DAYS', 400) * 86_400,
  writeConcurrency: numberEnv('FANOUT_WRITE_CONCURRENCY', 16),
});

/** The scheduled silent-device check's settings. */
export const loadSilentCheckConfig = alertingConfig;

export type FanoutConfig = ReturnType<typeof loadFanoutConfig>;
export type SilentCheckConfig = ReturnType<typeof loadSilentCheckConfig>;
