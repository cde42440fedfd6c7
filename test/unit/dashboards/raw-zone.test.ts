import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPS_THRESHOLDS,
  metricsOf,
  type OpsResources,
  opsAlarms,
  opsDashboard,
  rawZoneAlarms,
  rawZoneRow,
  seriesOf,
  validateThresholds,
} from '../../../dashboards/index.ts';
import { OPS_RESOURCES } from '../support/ops-resources.ts';

const RAW_ZONE = { deliveryStreamName: 'Streamlake-raw-events', bucketName: 'raw-bucket', prefix: 'raw/' };

const withRawZone: OpsResources = { ...OPS_RESOURCES, rawZone: RAW_ZONE };

describe('the Raw zone row', () => {
  it('charts delivery success, data freshness, records and bytes, by the names Firehose gives them', () => {
    // Act
    const row = rawZoneRow(RAW_ZONE);

    // Assess
    expect(row.title).toBe('Raw zone: Firehose Streamlake-raw-events → s3://raw-bucket/raw/');
    expect(row.widgets.map((w) => w.width)).toEqual([6, 6, 6, 6]);
    expect(
      row.widgets.map((w) =>
        seriesOf(w)
          .flatMap(metricsOf)
          .map((m) => `${m.namespace} ${m.name} ${m.statistic} ${JSON.stringify(m.dimensions)} ${m.unit}`),
      ),
    ).toEqual([
      [
        'AWS/Firehose DeliveryToS3.Success Average {"DeliveryStreamName":"Streamlake-raw-events"} None',
        'AWS/Firehose DeliveryToS3.Success Minimum {"DeliveryStreamName":"Streamlake-raw-events"} None',
      ],
      [
        'AWS/Firehose DeliveryToS3.DataFreshness Maximum {"DeliveryStreamName":"Streamlake-raw-events"} Seconds',
      ],
      [
        'AWS/Firehose DataReadFromKinesisStream.Records Sum {"DeliveryStreamName":"Streamlake-raw-events"} Count',
        'AWS/Firehose DeliveryToS3.Records Sum {"DeliveryStreamName":"Streamlake-raw-events"} Count',
      ],
      [
        'AWS/Firehose DataReadFromKinesisStream.Bytes Sum {"DeliveryStreamName":"Streamlake-raw-events"} Bytes',
        'AWS/Firehose DeliveryToS3.Bytes Sum {"DeliveryStreamName":"Streamlake-raw-events"} Bytes',
      ],
    ]);
  });

  it('comes after the lake row and before the alerts on the ops dashboard of a stack with a raw zone, and only then', () => {
    // Act
    const titles = opsDashboard(withRawZone).rows.map((r) => r.title);
    const without = opsDashboard(OPS_RESOURCES).rows.map((r) => r.title);

    // Assess
    const raw = titles.indexOf('Raw zone: Firehose Streamlake-raw-events → s3://raw-bucket/raw/');
    expect(titles[raw - 1]).toBe('Lake bucket lake-bucket');
    expect(titles[raw + 1]).toBe('Alerts');
    expect(without.some((t) => t.startsWith('Raw zone'))).toBe(false);
  });
});

describe('the raw zone freshness alarm', () => {
  it('goes off when one five-minute batch of Firehose metrics shows a record older than the threshold', () => {
    // Act
    const [alarm, ...others] = rawZoneAlarms(RAW_ZONE, { rawZoneFreshnessSeconds: 600 });

    // Assess
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({
      id: 'RawZoneFreshness',
      comparison: 'GreaterThanThreshold',
      threshold: 600,
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      series: { kind: 'metric', name: 'DeliveryToS3.DataFreshness', statistic: 'Maximum' },
    });
    expect(alarm?.description).toContain('Streamlake-raw-events');
    expect(alarm?.description).toContain('s3://raw-bucket/raw/');
  });

  it('is among the ops alarms of a stack with a raw zone at 15 minutes by default, and only then', () => {
    // Act
    const alarm = opsAlarms(withRawZone, DEFAULT_OPS_THRESHOLDS).find((a) => a.id === 'RawZoneFreshness');
    const without = opsAlarms(OPS_RESOURCES, DEFAULT_OPS_THRESHOLDS).map((a) => a.id);

    // Assess
    expect(alarm?.threshold).toBe(900);
    expect(without).not.toContain('RawZoneFreshness');
  });

  it('keeps its description within the 1024 characters CloudWatch allows, with the longest names', () => {
    // Act
    const [alarm] = rawZoneAlarms(
      { deliveryStreamName: 'd'.repeat(64), bucketName: 'b'.repeat(63), prefix: 'raw/' },
      DEFAULT_OPS_THRESHOLDS,
    );

    // Assess
    expect(alarm?.description.length).toBeLessThanOrEqual(1024);
  });

  it('refuses a negative threshold, naming it', () => {
    expect(() => validateThresholds({ ...DEFAULT_OPS_THRESHOLDS, rawZoneFreshnessSeconds: -1 })).toThrow(
      'ops threshold rawZoneFreshnessSeconds must be a number of at least 0 (given -1)',
    );
  });
});
