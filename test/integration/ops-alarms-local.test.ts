import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { lakeBucketOf } from './support/local-cloud-fixture.ts';

describe('ops alarms in the local cloud', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await LocalCloud.start();
  });
  afterAll(() => cloud?.stop());

  it('an object under the on-failure prefix raises OnFailureRecords and notifies the ops topic, not the alerts topic', async () => {
    // Prepare
    const ops = await cloud.serveOps({ port: 0 });

    // Act: what an event source mapping does when it gives up on records.
    await cloud.clients.s3.send(
      new PutObjectCommand({
        Bucket: lakeBucketOf(cloud),
        Key: 'aws/lambda/mapping/shardId-000000000000/2026/11/22/failure.json',
        Body: '{"requestContext":{"condition":"RetryAttemptsExhausted"}}',
      }),
    );
    // CloudWatch judges a period once it is complete: look from a minute on.
    const later = Date.now() + 60_000;
    await ops.evaluateAlarms(later);

    // Assess
    const notifications = cloud.alerts.recent.filter((m) => m.topicArn === cloud.opsView.opsTopicArn);
    expect(notifications).toHaveLength(1);
    const message = JSON.parse(notifications[0]?.message ?? '{}');
    expect(message).toMatchObject({
      AlarmName: 'streamlake-OnFailureRecords',
      NewStateValue: 'ALARM',
      Trigger: { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' },
    });
    expect(message.AlarmDescription).toContain('npm run replay');
    expect(cloud.alerts.recent.filter((m) => m.topicArn === cloud.opsView.alertsTopicArn)).toHaveLength(0);
    const snapshot = ops.snapshot(later);
    expect(snapshot.alarms.find((a) => a.id === 'OnFailureRecords')?.state).toBe('ALARM');
    expect(snapshot.alarms.find((a) => a.id === 'AggregateErrorRate')?.state).toBe('OK');
  });
});
