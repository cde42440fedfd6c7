import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { asError } from '../shared/errors.ts';
import { alertIdOf, type Verdict } from './alert-evaluation.ts';
import type { SilenceAlertRule } from './alert-rules.ts';
import { decideTransition, type Transition } from './alert-state.ts';
import { type AlertStoreOptions, applyAlertStep } from './alert-store.ts';
import { FLEET_PARTITIONS } from './device-state.ts';

/** The `BySilence` index of the device state table: `fleet` partitions sorted by `lastSeen`. */
export const SILENCE_INDEX = 'BySilence';

export interface SeenDevice {
  readonly deviceId: string;
  /** ISO time the device was last seen (end of its latest minute). */
  readonly lastSeen: string;
}

/** Pure: the cutoff before which a device counts as silent. */
export const silenceCutoff = (now: Date, rule: SilenceAlertRule): string =>
  new Date(now.getTime() - rule.silentMinutes * 60_000).toISOString();

/** Pure: the devices not seen since the cutoff, with how long they have been silent (minutes). */
export const silentDevicesOf = (devices: readonly SeenDevice[], now: Date, rule: SilenceAlertRule) => {
  const cutoff = silenceCutoff(now, rule);
  return devices
    .filter((device) => device.lastSeen < cutoff)
    .map((device) => ({ ...device, silentMinutes: (now.getTime() - Date.parse(device.lastSeen)) / 60_000 }));
};

/** Pure: the verdict of the silence rule on one device. */
export const silenceVerdict = (rule: SilenceAlertRule, device: SeenDevice, now: Date): Verdict => {
  const silentMinutes = (now.getTime() - Date.parse(device.lastSeen)) / 60_000;
  return {
    kind: silentMinutes >= rule.silentMinutes ? 'breach' : 'clear',
    value: Math.floor(silentMinutes),
    threshold: rule.silentMinutes,
    window: device.lastSeen,
  };
};

/** Opens or resolves a device's silence alert from a verdict; resolves with the transition made, if any. */
export const applySilence = (
  options: AlertStoreOptions,
  rule: SilenceAlertRule,
  deviceId: string,
  verdict: Verdict,
  at: string,
): Promise<Transition | undefined> =>
  applyAlertStep(
    options,
    { alertId: alertIdOf(rule.name, deviceId), rule: rule.name, subject: deviceId },
    (stored) => {
      const transition = decideTransition({ rule, subject: deviceId, status: stored, verdict, at });
      return transition ? { transition } : undefined;
    },
  );

export interface SilenceCheckOptions extends AlertStoreOptions {
  readonly deviceStateTable: string;
}

export interface SilenceCheckReport {
  silent: number;
  opened: number;
  resolved: number;
  failed: { deviceId: string; error: Error }[];
}

/**
 * The scheduled check: finds devices not seen for the rule's minutes through the `BySilence` index (no
 * scan), opens their alert, then marks them silent and takes them out of the index, on condition that
 * they were not seen meanwhile; if they were, the alert is resolved at once. Opening comes first, so a
 * crash in between only means the next run finds the device again and opens nothing twice.
 */
export const checkSilence = async (
  options: SilenceCheckOptions,
  client: DynamoDBDocumentClient,
  rule: SilenceAlertRule,
  now: Date,
): Promise<SilenceCheckReport> => {
  const report: SilenceCheckReport = { silent: 0, opened: 0, resolved: 0, failed: [] };
  const cutoff = silenceCutoff(now, rule);
  for (let partition = 0; partition < FLEET_PARTITIONS; partition++) {
    const pages = paginateQuery(
      { client },
      {
        TableName: options.deviceStateTable,
        IndexName: SILENCE_INDEX,
        KeyConditionExpression: '#fleet = :fleet AND #lastSeen < :cutoff',
        ExpressionAttributeNames: { '#fleet': 'fleet', '#lastSeen': 'lastSeen' },
        ExpressionAttributeValues: { ':fleet': `fleet#${partition}`, ':cutoff': cutoff },
      },
    );
    for await (const page of pages) {
      const devices = (page.Items ?? []) as SeenDevice[];
      for (const device of silentDevicesOf(devices, now, rule)) {
        report.silent++;
        try {
          await markSilent(options, client, rule, device, now, report);
        } catch (error) {
          report.failed.push({ deviceId: device.deviceId, error: asError(error) });
        }
      }
    }
  }
  return report;
};

const markSilent = async (
  options: SilenceCheckOptions,
  client: DynamoDBDocumentClient,
  rule: SilenceAlertRule,
  device: SeenDevice,
  now: Date,
  report: SilenceCheckReport,
) => {
  const at = now.toISOString();
  if (await applySilence(options, rule, device.deviceId, silenceVerdict(rule, device, now), at))
    report.opened++;
  try {
    await client.send(
      new UpdateCommand({
        TableName: options.deviceStateTable,
        Key: { deviceId: device.deviceId },
        UpdateExpression: 'SET #silentSince = :lastSeen REMOVE #fleet',
        ConditionExpression: '#lastSeen = :lastSeen',
        ExpressionAttributeNames: {
          '#silentSince': 'silentSince',
          '#fleet': 'fleet',
          '#lastSeen': 'lastSeen',
        },
        ExpressionAttributeValues: { ':lastSeen': device.lastSeen },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const back = { kind: 'clear', value: 0, threshold: rule.silentMinutes, window: at } as const;
    if (await applySilence(options, rule, device.deviceId, back, at)) report.resolved++;
  }
};
