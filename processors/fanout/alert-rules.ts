export type Severity = 'info' | 'warning' | 'critical';

/** The number a rule watches per minute: a stored measure, or the mean of a field (`<field>_sum / count`). */
export type AlertValue = { readonly attribute: string } | { readonly mean: string };

/** Breaches when the value is above/below the threshold in each of the last `forMinutes` minutes. */
export interface ThresholdCondition {
  readonly kind: 'above' | 'below';
  readonly threshold: number;
  readonly forMinutes: number;
}

/**
 * Breaches when the last complete minute is below `fraction` of the mean of the `baselineMinutes`
 * before it (minutes without an item count as 0); never while that mean is under `minBaseline`.
 */
export interface BaselineCondition {
  readonly kind: 'below-baseline';
  readonly fraction: number;
  readonly baselineMinutes: number;
  readonly minBaseline: number;
}

/** An alert evaluated from the minute rollups as they change. Declared as data; one rule, one entry. */
export interface StreamAlertRule {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** The minute rollup it reads, optionally only items with these dimension values. */
  readonly source: { readonly rollup: string; readonly where?: Readonly<Record<string, string>> };
  /** The dimension naming the subject (`deviceId`); without it the rule has one subject, `all`. */
  readonly subjectDimension?: string;
  readonly value: AlertValue;
  readonly condition: ThresholdCondition | BaselineCondition;
  /** After RESOLVED, the alert does not OPEN again for this long (stops flapping). */
  readonly cooldownMinutes: number;
}

/** An alert evaluated by the scheduled check: the subject has not been seen for `silentMinutes`. */
export interface SilenceAlertRule {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly silentMinutes: number;
  readonly cooldownMinutes: number;
}

export const ALERT_RULES: readonly StreamAlertRule[] = [
  {
    name: 'device-overheating',
    description: 'Device average temperature above 35 °C for 3 consecutive minutes',
    severity: 'critical',
    source: { rollup: 'device_readings' },
    subjectDimension: 'deviceId',
    value: { mean: 'temperature' },
    condition: { kind: 'above', threshold: 35, forMinutes: 3 },
    cooldownMinutes: 10,
  },
  {
    name: 'device-battery-low',
    description: 'Device battery below 10 %',
    severity: 'warning',
    source: { rollup: 'device_readings' },
    subjectDimension: 'deviceId',
    value: { attribute: 'battery_min' },
    condition: { kind: 'below', threshold: 10, forMinutes: 1 },
    cooldownMinutes: 60,
  },
  {
    name: 'client-errors-high',
    description: 'More than 50 client errors per minute',
    severity: 'warning',
    source: { rollup: 'events_by_type', where: { schema: 'clickstream.client_error' } },
    value: { attribute: 'count' },
    condition: { kind: 'above', threshold: 50, forMinutes: 1 },
    cooldownMinutes: 10,
  },
  {
    name: 'purchases-drop',
    description: 'Purchases per minute below 20 % of the trailing 10-minute average',
    severity: 'critical',
    source: { rollup: 'purchases' },
    value: { attribute: 'count' },
    condition: { kind: 'below-baseline', fraction: 0.2, baselineMinutes: 10, minBaseline: 5 },
    cooldownMinutes: 15,
  },
];

/** Opened by the scheduled check, resolved by the fan-out when the device's data arrives again. */
export const deviceSilentRule = (silentMinutes = 5): SilenceAlertRule => ({
  name: 'device-silent',
  description: `Device not seen for ${silentMinutes} minutes`,
  severity: 'warning',
  silentMinutes,
  cooldownMinutes: 10,
});
