import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { AlertsSubscriber, type SubscriberMood } from './alerts-subscriber.ts';
import { publishedStates } from './checks.ts';
import { cloudArgs, judge, putIntoStream, stopAndJudge } from './cloud-run.ts';
import type { Outcome, Scenario, ScenarioContext } from './scenario.ts';
import { eventsFlowing, startCloud, waitFor } from './start-process.ts';

const MINUTE_MS = 60_000;

const reading = (deviceId: string, atMs: number, temperature: number) => ({
  data: Buffer.from(
    JSON.stringify({
      schema: 'telemetry.reading',
      version: 1,
      eventId: randomUUID(),
      eventTime: new Date(atMs).toISOString(),
      deviceId,
      temperature,
      humidity: 50,
      battery: 80,
      status: 'ok',
    }),
  ),
  partitionKey: deviceId,
});

/** Three readings at `temperature` in the minute starting at `minuteMs`. */
const minuteAt = (deviceId: string, minuteMs: number, temperature: number) =>
  [0, 1, 2].map((j) => reading(deviceId, minuteMs + 5_000 + j * 20_000, temperature));

/** The alert states a subscriber accepted for one device, in order. */
const alertsOf = (subscriber: AlertsSubscriber, deviceId: string) =>
  subscriber.accepted
    .filter((r) => r.transitionId.includes(`#${deviceId}#`))
    .map((r) => r.transitionId.split('#')[2]);

/**
 * One device overheating for three minutes (the rule opens an alert on the third), then, once that alert was
 * published, a cool minute (the rule resolves it), while the subscriber is in `mood`. A delivery refused is seen
 * by the subscriber's count of refusals; one accepted by the states it holds.
 */
const episode = async (
  context: ScenarioContext,
  subscriber: AlertsSubscriber,
  mood: SubscriberMood,
  deviceId: string,
) => {
  subscriber.mood = mood;
  const refusedBefore = subscriber.refused;
  // Published: the alerts topic's log holds it; delivered: the subscriber accepted it (unless it is gone).
  const published = (state: string) => () =>
    publishedStates(context.stateDir, 'device-overheating', deviceId).includes(state) &&
    (mood === 'gone' || alertsOf(subscriber, deviceId).includes(state));
  // Minutes counted back from one moment: a minute boundary passing between two puts must not leave a gap.
  const thisMinuteMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const minutesAgo = (n: number) => thisMinuteMs - n * MINUTE_MS;
  for (const ago of [4, 3, 2]) {
    await putIntoStream(context, minuteAt(deviceId, minutesAgo(ago), 40));
    await pause(2_000);
  }
  await waitFor(published('OPEN'), 90_000, `the OPEN alert of ${deviceId}`);
  await putIntoStream(context, minuteAt(deviceId, minutesAgo(1), 25));
  await waitFor(published('RESOLVED'), 90_000, `the RESOLVED alert of ${deviceId}`);
  // SNS retries a failed delivery a few times within a second, then gives it up.
  await pause(2_000);
  return {
    deviceId,
    mood,
    accepted: alertsOf(subscriber, deviceId),
    refused: subscriber.refused - refusedBefore,
  };
};

/** The alerts subscriber answering 500 to first deliveries, then gone, then back. */
const alertsSubscriberFailing: Scenario = {
  name: 'alerts-subscriber-fails',
  fault: 'the alerts subscriber answering 500, then gone, then back',
  async run(context) {
    const run = startCloud(
      cloudArgs(context, ['--fresh', '--forever', '--rate', '200', '--batching-window', '1']),
    );
    const subscriber = await AlertsSubscriber.start();
    try {
      await eventsFlowing(run);
      const state = readCloudState(context.stateDir);
      if (!state.endpoints?.sns || !state.alertsTopic)
        throw new Error('cloud.json names no SNS endpoint or alerts topic');
      await subscriber.subscribe(state.endpoints.sns, state.alertsTopic);
      const episodes = [
        await episode(context, subscriber, 'failing-first', 'chaos-hot-1'),
        await episode(context, subscriber, 'gone', 'chaos-hot-2'),
        await episode(context, subscriber, 'ok', 'chaos-hot-3'),
      ];
      const outcome = await stopAndJudge(
        run,
        context,
        episodes
          .map((e) => `${e.mood}: ${e.accepted.join('+') || 'none'} accepted, ${e.refused} refused`)
          .join('; '),
      );
      return subscriberChecks(outcome, subscriber, episodes);
    } finally {
      await subscriber.close();
    }
  },
};

/** Each alert reaches a subscriber that answers once; one that is gone gets none; none twice. */
const subscriberChecks = (
  outcome: Outcome,
  subscriber: AlertsSubscriber,
  episodes: readonly { mood: SubscriberMood; accepted: readonly (string | undefined)[]; deviceId: string }[],
): Outcome => {
  const failures = [...outcome.failures];
  for (const { mood, accepted, deviceId } of episodes) {
    const expected = mood === 'gone' ? [] : ['OPEN', 'RESOLVED'];
    if (accepted.join() !== expected.join())
      failures.push(
        `${deviceId} (${mood}): accepted ${accepted.join(',') || 'nothing'}, expected ${expected.join(',') || 'nothing'}`,
      );
  }
  return { ...outcome, duplicateAlerts: outcome.duplicateAlerts + subscriber.duplicates(), failures };
};

/**
 * Every Kinesis consumer's checkpoints forgotten after a clean stop, so the next run re-delivers the whole
 * stream from its start, cut into batches at other boundaries (another batching window and rate).
 */
const redeliveryNewBoundaries: Scenario = {
  name: 'redelivery-new-boundaries',
  fault: 'the whole stream re-delivered to every Kinesis consumer in batches cut differently',
  async run(context) {
    const first = startCloud(
      cloudArgs(context, ['--fresh', '--rate', '800', '--duration', '12', '--batching-window', '1']),
    );
    const firstOutcome = await judge(first, context, 'first run');
    if (firstOutcome.failures.length > 0) return firstOutcome;
    const forgotten = forgetStreamCheckpoints(context.stateDir);
    const second = startCloud(
      cloudArgs(context, ['--rate', '100', '--duration', '5', '--batching-window', '4']),
    );
    return judge(
      second,
      context,
      `${forgotten} shard checkpoints forgotten; the stream re-delivered in 4 s windows`,
    );
  },
};

/** Deletes the checkpoints of Kinesis shards (kinesalite's `shardId-000000000000`), keeping DynamoDB streams'. */
const forgetStreamCheckpoints = (stateDir: string): number => {
  const file = join(stateDir, 'checkpoints.json');
  const checkpoints = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const kept = Object.fromEntries(
    Object.entries(checkpoints).filter(([key]) => !/\/shardId-\d{12}$/.test(key)),
  );
  writeFileSync(file, JSON.stringify(kept, null, 1));
  return Object.keys(checkpoints).length - Object.keys(kept).length;
};

export const DELIVERY_FAULTS: readonly Scenario[] = [alertsSubscriberFailing, redeliveryNewBoundaries];
