import type { FanoutConfig } from '../../../processors/fanout/config.ts';

/** The fan-out's configuration in unit tests: fake table and topic names, the stack's defaults otherwise. */
export const FANOUT_CONFIG: FanoutConfig = {
  deviceStateTable: 'DeviceState',
  alertStateTable: 'AlertState',
  alertsTopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts',
  deviceSilentMinutes: 5,
  derivedRollupsTable: 'DerivedRollups',
  retentionSeconds: 400 * 86_400,
  writeConcurrency: 4,
};
