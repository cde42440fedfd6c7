import { execFileSync } from 'node:child_process';
import { cloudArgs, stopAndJudge } from './cloud-run.ts';
import { type FaultRule, faultControl } from './fault-control.ts';
import type { Outcome, Scenario, ScenarioContext } from './scenario.ts';
import { eventsFlowing, startCloud, waitFor } from './start-process.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DynamoDB writes as the consumers make them (the exactly-once writer, the dedup memory, the fan-out). */
export const DYNAMODB_WRITES = [
  'UpdateItem',
  'PutItem',
  'TransactWriteItems',
  'BatchWriteItem',
  'DeleteItem',
];

/** An `npm start -- --faults --forever` run with its fault control, events flowing. */
const faultedRun = async (context: ScenarioContext, rate: number) => {
  const run = startCloud(cloudArgs(context, ['--fresh', '--forever', '--faults', '--rate', String(rate)]));
  await eventsFlowing(run);
  return { run, control: faultControl(context) };
};

/** A failure for each rule that answered no request: a fault that never fired proves nothing. */
const notFired = (rules: ReadonlyMap<string, string>, answered: ReadonlyMap<string, number>): string[] =>
  [...rules].filter(([id]) => !(answered.get(id) ?? 0)).map(([, what]) => `${what}: the fault never fired`);

const withFailures = (outcome: Outcome, failures: readonly string[]): Outcome => ({
  ...outcome,
  failures: [...outcome.failures, ...failures],
});

/** Injects `rules` while events flow, waits `forMs`, then stops and judges; each rule must have fired. */
const underRules = async (
  context: ScenarioContext,
  rules: readonly (FaultRule & { what: string })[],
  forMs: number,
  detail: string,
): Promise<Outcome> => {
  const { run, control } = await faultedRun(context, 500);
  const ids = new Map<string, string>();
  for (const { what, ...rule } of rules) ids.set(await control.inject(rule), what);
  await pause(forMs);
  const answered = await control.answered();
  await control.clear();
  await pause(3_000);
  const counts = [...ids].map(([id, what]) => `${what} ${answered.get(id) ?? 0}`).join(', ');
  return withFailures(
    await stopAndJudge(run, context, `${detail} (requests refused: ${counts})`),
    notFired(ids, answered),
  );
};

/** Throttling on PutRecords, GetRecords and DynamoDB writes at once. */
const throttling: Scenario = {
  name: 'throttling',
  fault: 'throttling on Kinesis PutRecords and GetRecords and on DynamoDB writes',
  run: (context) =>
    underRules(
      context,
      [
        {
          what: 'PutRecords',
          service: 'kinesis',
          operations: ['PutRecords'],
          effect: 'throttle',
          share: 0.3,
        },
        {
          what: 'GetRecords',
          service: 'kinesis',
          operations: ['GetRecords'],
          effect: 'throttle',
          share: 0.5,
        },
        {
          what: 'DynamoDB writes',
          service: 'dynamodb',
          operations: DYNAMODB_WRITES,
          effect: 'throttle',
          share: 0.3,
        },
      ],
      10_000,
      '10 s of throttling at 500 events/s',
    ),
};

/** S3 answering 503 to every request for a while: the archive and the quarantine cannot write. */
const s3Unavailable: Scenario = {
  name: 's3-unavailable',
  fault: 'S3 unavailable (503) while the archive and the quarantine write',
  run: (context) =>
    underRules(
      context,
      [{ what: 'S3 requests', service: 's3', effect: 'unavailable' }],
      12_000,
      '12 s of S3 answering 503 at 500 events/s',
    ),
};

/** pids of the DynamoDB Local JVM listening on `port`. */
const dynamoDbJvms = (port: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && new RegExp(`-port ${port}\\b`).test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

/** DynamoDB Local killed alone (SIGKILL of its JVM); the local cloud starts it again on the same data. */
const dynamoDbKilled: Scenario = {
  name: 'dynamodb-killed',
  fault: 'SIGKILL of DynamoDB Local alone, restarted by the local cloud on the same data',
  async run(context) {
    const { run } = await faultedRun(context, 500);
    const port = context.basePort + 1;
    const [pid] = dynamoDbJvms(port);
    if (!pid) throw new Error(`no DynamoDB Local JVM listening on port ${port}`);
    process.kill(pid, 'SIGKILL');
    await waitFor(
      () => dynamoDbJvms(port).some((other) => other !== pid),
      60_000,
      'DynamoDB Local started again',
    );
    await pause(8_000);
    return stopAndJudge(
      run,
      context,
      `JVM ${pid} killed at 500 events/s; started again, consumers caught up`,
    );
  },
};

/** The Kinesis server stopped and started in place while producers put and consumers read. */
const kinesisRestarted: Scenario = {
  name: 'kinesis-restarted',
  fault: 'the Kinesis server restarted in place while producers put and consumers read',
  async run(context) {
    const { run, control } = await faultedRun(context, 500);
    await control.restartKinesis();
    await pause(4_000);
    await control.restartKinesis();
    await pause(5_000);
    return stopAndJudge(run, context, 'restarted twice, 4 s apart, at 500 events/s');
  },
};

export const SERVER_FAULTS: readonly Scenario[] = [
  dynamoDbKilled,
  kinesisRestarted,
  s3Unavailable,
  throttling,
];
