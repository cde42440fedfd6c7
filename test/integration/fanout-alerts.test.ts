import type { SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../infra/local/clients.ts';
import { LOCAL_ACCOUNT_ID, LocalCloud } from '../../infra/local/local-cloud.ts';
import { scheduledEvent } from '../../infra/local/schedules.ts';
import { ALERT_RULES } from '../../processors/fanout/alert-rules.ts';
import { asRecords } from './support/events.ts';
import { isoMinute, MINUTE_MS, reading } from './support/fanout-events.ts';
import { FANOUT_TEST_CONTEXT, fanoutTargetsOf, runPipelineUntilCaughtUp } from './support/fanout-pipeline.ts';
import {
  type HttpSubscriber,
  type Notification,
  startHttpSubscriber,
  subscribeConfirmed,
} from './support/fanout-subscriber.ts';
import { putRecords } from './support/local-cloud-fixture.ts';

const OVERHEATING = ALERT_RULES.find((rule) => rule.name === 'device-overheating');

const attributesOf = (notification: Notification) =>
  Object.fromEntries(
    Object.entries(notification.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
  );

describe('alerts from the fan-out reach a real HTTP subscriber of the alerts topic', () => {
  let cloud: LocalCloud;
  let sns: SNSClient;
  let subscriber: HttpSubscriber;

  /** The notifications the subscriber holds for one (rule, subject), after every delivery is done. */
  const notificationsFor = async (rule: string, subject: string) => {
    await cloud.sns.drain();
    return subscriber.notifications().filter((n) => {
      const attributes = attributesOf(n);
      return attributes.rule === rule && attributes.subject === subject;
    });
  };

  beforeAll(async () => {
    // Prepare: the real stack; an HTTP endpoint subscribed to the alerts topic with the SDK, and confirmed.
    cloud = await LocalCloud.start({ context: FANOUT_TEST_CONTEXT });
    if (!cloud.clients.sns) throw new Error('the local cloud runs no SNS');
    sns = cloud.clients.sns;
    subscriber = await startHttpSubscriber();
    await subscribeConfirmed(cloud, sns, fanoutTargetsOf(cloud).alertsTopicArn, subscriber);
  });
  afterAll(async () => {
    await cloud?.stop();
    await subscriber?.close();
  });

  it('three hot minutes open one overheating alert; a cool minute resolves it, each notified once', async () => {
    // Prepare: the rule is as designed for: mean above 35 °C for 3 consecutive minutes.
    expect(OVERHEATING?.condition).toEqual({ kind: 'above', threshold: 35, forMinutes: 3 });
    const firstMinuteMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 4 * MINUTE_MS;
    const minutes = [
      [38, 40, 42],
      [38, 40, 42],
      [38, 40, 42],
      [24, 25, 26],
    ].map((temperatures, i) => {
      const minuteMs = firstMinuteMs + i * MINUTE_MS;
      return temperatures.map((temperature, j) =>
        reading('dev-hot', minuteMs + 5_000 + j * 20_000, { temperature, humidity: 50, battery: 80 }),
      );
    });

    // Act: one minute at a time, each through the whole pipeline before the next.
    const statesAfter: string[][] = [];
    for (const readings of minutes) {
      const run = await runPipelineUntilCaughtUp(cloud, await putRecords(cloud, asRecords(readings)));
      expect(run.discarded).toEqual([]);
      statesAfter.push(
        (await notificationsFor('device-overheating', 'dev-hot')).map((n) => attributesOf(n).state ?? ''),
      );
    }

    // Assess: nothing until the third hot minute; then OPEN once; RESOLVED once on recovery.
    expect(statesAfter).toEqual([[], [], ['OPEN'], ['OPEN', 'RESOLVED']]);
    const [opened, resolved] = await notificationsFor('device-overheating', 'dev-hot');
    expect(attributesOf(opened as Notification)).toEqual({
      rule: 'device-overheating',
      severity: 'critical',
      subject: 'dev-hot',
      state: 'OPEN',
      transitionId: `device-overheating#dev-hot#OPEN#${isoMinute(firstMinuteMs + 2 * MINUTE_MS)}`,
    });
    expect(JSON.parse(opened?.Message ?? '{}')).toMatchObject({
      state: 'OPEN',
      value: 40,
      threshold: 35,
      window: isoMinute(firstMinuteMs + 2 * MINUTE_MS),
    });
    expect(attributesOf(resolved as Notification)).toMatchObject({
      rule: 'device-overheating',
      severity: 'critical',
      subject: 'dev-hot',
      state: 'RESOLVED',
    });
    expect(JSON.parse(resolved?.Message ?? '{}')).toMatchObject({
      state: 'RESOLVED',
      value: 25,
      window: isoMinute(firstMinuteMs + 3 * MINUTE_MS),
      openedAt: isoMinute(firstMinuteMs + 2 * MINUTE_MS),
    });
    expect(opened?.Subject).toBe('[critical] device-overheating OPEN: dev-hot');
    // Nothing else was alerted along the way.
    expect(subscriber.notifications()).toHaveLength(2);
  });

  it('a device that stops reporting is found by the scheduled check: one device-silent alert, once', async () => {
    // Prepare: a device whose last readings are ~10 minutes old, past the silent threshold.
    const { deviceSilentMinutes, deviceStateTable } = fanoutTargetsOf(cloud);
    const lastReadingMs = Date.now() - 2 * deviceSilentMinutes * MINUTE_MS;
    const readings = [lastReadingMs - 20_000, lastReadingMs].map((atMs) =>
      reading('dev-quiet', atMs, { temperature: 22, humidity: 45, battery: 70 }),
    );
    await runPipelineUntilCaughtUp(cloud, await putRecords(cloud, asRecords(readings)));
    const seen = await cloud.clients.documents.send(
      new GetCommand({ TableName: deviceStateTable, Key: { deviceId: 'dev-quiet' } }),
    );
    const lastSeen = String(seen.Item?.lastSeen);
    expect(Date.parse(lastSeen)).toBeLessThan(Date.now() - deviceSilentMinutes * MINUTE_MS);
    const { silentDeviceCheck } = cloud.resources.functions;
    const schedule = cloud.schedules.find((s) => s.functionLogicalId === silentDeviceCheck.logicalId);
    if (!schedule) throw new Error('the template schedules no silent-device check');
    const check = cloud.localFunction(silentDeviceCheck);
    const scheduled = () => scheduledEvent(schedule, LOCAL_REGION, LOCAL_ACCOUNT_ID, Date.now());

    // Act: the scheduled check, as EventBridge would invoke it, twice.
    const first = await check.invoke(scheduled());
    const again = await check.invoke(scheduled());

    // Assess
    expect(first).toEqual({ silent: 1, opened: 1, resolved: 0 });
    expect(again).toEqual({ silent: 0, opened: 0, resolved: 0 });
    const silent = await notificationsFor('device-silent', 'dev-quiet');
    expect(silent.map(attributesOf)).toEqual([
      {
        rule: 'device-silent',
        severity: 'warning',
        subject: 'dev-quiet',
        state: 'OPEN',
        transitionId: `device-silent#dev-quiet#OPEN#${lastSeen}`,
      },
    ]);
    expect(JSON.parse(silent[0]?.Message ?? '{}')).toMatchObject({
      threshold: deviceSilentMinutes,
      window: lastSeen,
    });
    expect(subscriber.notifications().filter((n) => attributesOf(n).rule === 'device-silent')).toHaveLength(
      1,
    );
    const marked = await cloud.clients.documents.send(
      new GetCommand({ TableName: deviceStateTable, Key: { deviceId: 'dev-quiet' } }),
    );
    expect(marked.Item).toMatchObject({ silentSince: lastSeen });
    expect(marked.Item).not.toHaveProperty('fleet');
  });
});
