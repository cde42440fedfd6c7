// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates (${topic(3)}) are the subject of these tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicRuleEngine } from '../../../../../../infra/local/iot/rules/rule-engine.ts';
import type { TopicRulePlan } from '../../../../../../infra/local/iot/rules/topic-rule-plan.ts';
import { MetricStore } from '../../../../../../infra/local/metrics/metric-store.ts';

type Sent = { readonly command: string; readonly input: Record<string, unknown> };
type Failure = Error & { $metadata?: unknown };

/**
 * A stand-in SDK client: records each command (a PutRecords as one entry per record, with its StreamName);
 * `fail` decides what a record meets — an error with `$metadata` fails the whole request (as a service error
 * does), one without fails that entry only — and `hold` keeps a request waiting until `releaseAll`.
 */
class FakeClient {
  readonly sent: Sent[] = [];
  requests = 0;
  fail: (input: Record<string, unknown>) => Failure | undefined = () => undefined;
  hold: (input: Record<string, unknown>) => boolean = () => false;
  private readonly held: (() => void)[] = [];

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const { input } = command;
    const name = command.constructor.name;
    const entries =
      name === 'PutRecordsCommand'
        ? (input.Records as Record<string, unknown>[]).map((r) => ({ StreamName: input.StreamName, ...r }))
        : [input];
    this.requests++;
    if (entries.some((entry) => this.hold(entry)))
      await new Promise<void>((release) => this.held.push(release));
    const failures = entries.map((entry) => this.fail(entry));
    const whole = failures.find((failure) => failure?.$metadata);
    if (whole) throw whole;
    entries.forEach((entry, i) => {
      if (!failures[i]) this.sent.push({ command: name, input: entry });
    });
    if (name !== 'PutRecordsCommand') return {};
    return {
      FailedRecordCount: failures.filter(Boolean).length,
      Records: failures.map((failure) =>
        failure
          ? { ErrorCode: failure.name, ErrorMessage: failure.message }
          : { SequenceNumber: '1', ShardId: 's-0' },
      ),
    };
  }

  /** Lets the held requests go on. */
  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  get heldCount(): number {
    return this.held.length;
  }
}

/** A Kinesis entry refused inside a PutRecords that succeeded. */
const entryError = (name: string, message: string): Failure => Object.assign(new Error(message), { name });

const serviceError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });

const SQL = `SELECT *, {'clientId': clientid(), 'requestId': traceid()} AS edge FROM 'streamlake/devices/+/telemetry' WHERE schema <> 'ignored'`;

const ruleOf = (overrides: Partial<TopicRulePlan> = {}): TopicRulePlan => ({
  logicalId: 'DeviceTelemetryRule',
  ruleName: 'device_telemetry',
  arn: 'arn:aws:iot:us-east-1:000000000000:rule/device_telemetry',
  sql: SQL,
  sqlVersion: '2016-03-23',
  disabled: false,
  actions: [{ type: 'Kinesis', properties: { StreamName: 'events', PartitionKey: '${topic(3)}' } }],
  errorAction: {
    type: 'S3',
    properties: {
      BucketName: 'lake',
      Key: 'errors/iot/${parse_time("yyyy/MM/dd", timestamp())}/${traceid()}.json',
    },
  },
  ...overrides,
});

const RECEIVED = Date.UTC(2024, 2, 5, 10, 11, 12, 345);
let traces = 0;
const message = (
  deviceId: string,
  body: unknown = { schema: 'device_reading', eventId: `e-${deviceId}` },
) => ({
  topic: `streamlake/devices/${deviceId}/telemetry`,
  payload: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)),
  clientId: deviceId,
  receivedAtMs: RECEIVED,
});

const setUp = (
  rules: TopicRulePlan[] = [ruleOf()],
  options: { concurrency?: number; maxPending?: number } = {},
) => {
  const kinesis = new FakeClient();
  const s3 = new FakeClient();
  const metricStore = new MetricStore({ clock: () => RECEIVED });
  const lines: string[] = [];
  const engine = TopicRuleEngine.fromPlan(rules, {
    kinesis,
    s3,
    metricStore,
    log: (line) => lines.push(line),
    newTraceId: () => `trace-${++traces}`,
    ...options,
  });
  const metric = (name: string, dimensions: Record<string, string>) =>
    metricStore.total({ namespace: 'AWS/IoT', name, dimensions });
  return { kinesis, s3, engine, lines, metric };
};

const dataOf = (sent: Sent) => JSON.parse(Buffer.from(sent.input.Data as Uint8Array).toString('utf8'));

describe('the topic rule engine', () => {
  it('puts a matching message into the stream, partition key from the topic, edge added', async () => {
    const { kinesis, engine, metric } = setUp();

    engine.accept(message('dev-1'));
    await engine.drained();

    expect(kinesis.sent).toHaveLength(1);
    expect(kinesis.sent[0]?.command).toBe('PutRecordsCommand');
    expect(kinesis.sent[0]?.input).toMatchObject({ StreamName: 'events', PartitionKey: 'dev-1' });
    expect(dataOf(kinesis.sent[0] as Sent)).toEqual({
      schema: 'device_reading',
      eventId: 'e-dev-1',
      edge: { clientId: 'dev-1', requestId: `trace-${traces}` },
    });
    expect(metric('TopicMatch', { RuleName: 'device_telemetry' })).toBe(1);
    expect(metric('Success', { RuleName: 'device_telemetry', ActionType: 'Kinesis' })).toBe(1);
    expect(engine.figures()).toMatchObject({
      topicMatches: 1,
      rulesExecuted: 1,
      actionSuccesses: 1,
      pending: 0,
    });
  });

  it('leaves messages on other topics alone, and runs no action when WHERE does not hold', async () => {
    const { kinesis, engine, metric } = setUp();

    engine.accept({ ...message('dev-1'), topic: 'streamlake/devices/dev-1/status' });
    engine.accept(message('dev-1', { schema: 'ignored' }));
    await engine.drained();

    expect(kinesis.sent).toEqual([]);
    expect(metric('TopicMatch', { RuleName: 'device_telemetry' })).toBe(1);
    expect(engine.figures()).toMatchObject({ topicMatches: 1, rulesExecuted: 0 });
  });

  it('hands a message the stream refused to the error action: AWS’s error message, with the reason', async () => {
    const { kinesis, s3, engine, lines, metric } = setUp();
    kinesis.fail = () =>
      serviceError('ResourceNotFoundException', 'Stream events under account 000000000000 not found.', 400);
    const sent = message('dev-1');

    engine.accept(sent);
    await engine.drained();

    expect(s3.sent).toHaveLength(1);
    const put = s3.sent[0] as Sent;
    expect(put.input.Bucket).toBe('lake');
    expect(put.input.Key).toBe(`errors/iot/2024/03/05/trace-${traces}.json`);
    const error = JSON.parse(Buffer.from(put.input.Body as Uint8Array).toString('utf8'));
    expect(error).toEqual({
      ruleName: 'device_telemetry',
      topic: 'streamlake/devices/dev-1/telemetry',
      cloudwatchTraceId: `trace-${traces}`,
      clientId: 'dev-1',
      base64OriginalPayload: sent.payload.toString('base64'),
      failures: [
        {
          failedAction: 'KinesisAction',
          failedResource: 'events',
          errorMessage: expect.stringContaining(
            'Failed to write to Kinesis stream. The error received was Stream events under account 000000000000 not found. (Service: AmazonKinesis; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: req-1)',
          ),
        },
      ],
    });
    expect(metric('Failure', { RuleName: 'device_telemetry', ActionType: 'Kinesis' })).toBe(1);
    expect(metric('ErrorActionSuccess', { RuleName: 'device_telemetry', ActionType: 'S3' })).toBe(1);
    expect(engine.figures()).toMatchObject({ actionFailures: 1, errorActionSuccesses: 1 });
    expect(lines[0]).toMatch(
      /^rule device_telemetry: KinesisAction failed for dev-1 .*ResourceNotFoundException/,
    );
  });

  it('counts and logs an error action that fails too, and carries on with the next message', async () => {
    const { kinesis, s3, engine, lines, metric } = setUp();
    kinesis.fail = (input) =>
      input.PartitionKey === 'dev-1' ? entryError('KMSAccessDeniedException', 'no key') : undefined;
    s3.fail = () => serviceError('NoSuchBucket', 'The specified bucket does not exist', 404);

    engine.accept(message('dev-1'));
    engine.accept(message('dev-2'));
    await engine.drained();

    expect(metric('ErrorActionFailure', { RuleName: 'device_telemetry', ActionType: 'S3' })).toBe(1);
    expect(engine.figures()).toMatchObject({ actionFailures: 1, errorActionFailures: 1, actionSuccesses: 1 });
    expect(
      lines.some(
        (line) => line.includes('error action S3Action failed too') && line.includes('NoSuchBucket'),
      ),
    ).toBe(true);
  });

  it('keeps each device’s order while another device’s messages go ahead', async () => {
    const { kinesis, engine } = setUp([ruleOf()], { concurrency: 4 });
    kinesis.hold = (input) => dataOf({ command: '', input }).eventId === 'first';
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

    engine.accept(message('dev-1', { schema: 'r', eventId: 'first' }));
    engine.accept(message('dev-1', { schema: 'r', eventId: 'second' }));
    await nextTurn();
    engine.accept(message('dev-2', { schema: 'r', eventId: 'other' }));
    await nextTurn();
    const whileHeld = kinesis.sent.map((s) => dataOf(s).eventId);
    kinesis.releaseAll();
    await engine.drained();

    expect(kinesis.heldCount).toBe(0);
    expect(whileHeld).toEqual(['other']);
    expect(kinesis.sent.map((s) => dataOf(s).eventId)).toEqual(['other', 'first', 'second']);
  });

  it('puts the messages of many devices that arrive together in one PutRecords request, each its own entry', async () => {
    const { kinesis, engine } = setUp();

    for (let i = 0; i < 50; i++) engine.accept(message(`dev-${i}`));
    await engine.drained();

    expect(kinesis.requests).toBe(1);
    expect(kinesis.sent.map((s) => s.input.PartitionKey)).toEqual(
      Array.from({ length: 50 }, (_, i) => `dev-${i}`),
    );
    expect(engine.figures()).toMatchObject({ actionSuccesses: 50 });
  });

  it('retries an entry refused for throughput, as the SDK retries a PutRecord (3 attempts)', async () => {
    const { kinesis, s3, engine } = setUp();
    let refusals = 0;
    kinesis.fail = () =>
      ++refusals <= 2
        ? entryError('ProvisionedThroughputExceededException', 'Rate exceeded for shard')
        : undefined;

    engine.accept(message('dev-1'));
    await engine.drained();

    expect(kinesis.requests).toBe(3);
    expect(kinesis.sent).toHaveLength(1);
    expect(s3.sent).toEqual([]);
    expect(engine.figures()).toMatchObject({ actionSuccesses: 1, actionFailures: 0 });
  });

  it('fails the message whose entry is refused a third time, and only that one', async () => {
    const { kinesis, s3, engine } = setUp();
    kinesis.fail = (input) =>
      input.PartitionKey === 'dev-1'
        ? entryError('ProvisionedThroughputExceededException', 'Rate exceeded')
        : undefined;

    engine.accept(message('dev-1'));
    engine.accept(message('dev-2'));
    await engine.drained();

    expect(kinesis.sent.map((s) => s.input.PartitionKey)).toEqual(['dev-2']);
    expect(s3.sent).toHaveLength(1);
    const error = JSON.parse(Buffer.from(s3.sent[0]?.input.Body as Uint8Array).toString('utf8'));
    expect(error.clientId).toBe('dev-1');
    expect(error.failures[0].errorMessage).toContain('Error Code: ProvisionedThroughputExceededException');
    expect(engine.figures()).toMatchObject({
      actionSuccesses: 1,
      actionFailures: 1,
      errorActionSuccesses: 1,
    });
  });

  it('evaluates nothing for a binary payload it is asked to add fields to: a rule error and a ParseError, no action', async () => {
    const { kinesis, s3, engine, lines, metric } = setUp([ruleOf({ sql: SQL.replace(/ WHERE .*$/, '') })]);

    engine.accept(message('dev-1', Buffer.from([0xde, 0xad, 0xbe, 0xef])));
    await engine.drained();

    expect(kinesis.sent).toEqual([]);
    expect(s3.sent).toEqual([]);
    expect(metric('ParseError', { RuleName: 'device_telemetry' })).toBe(1);
    expect(engine.figures()).toMatchObject({ ruleErrors: 1, parseErrors: 1 });
    expect(lines[0]).toMatch(
      /^rule device_telemetry: message from dev-1 .* not evaluated: the payload is not JSON/,
    );
  });

  it('throttles (drops and counts) past maxPending waiting messages', async () => {
    const { kinesis, engine, metric } = setUp([ruleOf()], { concurrency: 1, maxPending: 1 });
    kinesis.hold = () => true;

    engine.accept(message('dev-1'));
    engine.accept(message('dev-2'));
    await new Promise((resolve) => setImmediate(resolve));
    kinesis.hold = () => false;
    kinesis.releaseAll();
    await engine.drained();

    expect(kinesis.sent).toHaveLength(1);
    expect(engine.figures().throttled).toBe(1);
    expect(metric('RuleMessageThrottled', { RuleName: 'device_telemetry' })).toBe(1);
  });

  it('runs every enabled rule a topic matches, and no disabled one', async () => {
    const second = ruleOf({
      logicalId: 'Copy',
      ruleName: 'copy',
      sql: "SELECT eventId AS id FROM 'streamlake/#'",
      actions: [{ type: 'Kinesis', properties: { StreamName: 'copies', PartitionKey: '${clientid()}' } }],
    });
    const disabled = ruleOf({ logicalId: 'Off', ruleName: 'off', disabled: true });
    const { kinesis, engine } = setUp([ruleOf(), second, disabled]);

    engine.accept(message('dev-1'));
    await engine.drained();

    expect(engine.ruleNames).toEqual(['device_telemetry', 'copy']);
    expect(kinesis.sent.map((s) => s.input.StreamName).sort()).toEqual(['copies', 'events']);
  });

  it('refuses at start-up an action type it does not run and SQL it does not evaluate, naming the rule — disabled or not', () => {
    const lambda = ruleOf({ actions: [{ type: 'Lambda', properties: { FunctionArn: 'arn' } }] });
    const sql = ruleOf({ disabled: true, sql: "SELECT upper(a) AS b FROM 'x'" });
    const noKey = ruleOf({ errorAction: { type: 'S3', properties: { BucketName: 'lake' } } });

    expect(() => setUp([lambda])).toThrow(
      'rule DeviceTelemetryRule: the Lambda action is not run locally (the local rule engine runs Kinesis, S3, CloudwatchLogs actions)',
    );
    expect(() => setUp([sql])).toThrow(
      'rule DeviceTelemetryRule: the function upper() is not evaluated locally',
    );
    expect(() => setUp([noKey])).toThrow(
      'rule DeviceTelemetryRule (error action): the S3 action has no Key (given undefined)',
    );
  });

  describe('with a CloudWatch Logs error action', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('writes the error message as a line of the log group’s local file', async () => {
      dir = mkdtempSync(join(tmpdir(), 'rules-'));
      const logDir = dir;
      const kinesis = new FakeClient();
      kinesis.fail = () => serviceError('ProvisionedThroughputExceededException', 'Rate exceeded', 400);
      const engine = TopicRuleEngine.fromPlan(
        [
          ruleOf({
            errorAction: {
              type: 'CloudwatchLogs',
              properties: { LogGroupName: 'streamlake-RuleErrors' },
              logGroupLogicalId: 'RuleErrors',
            },
          }),
        ],
        { kinesis, s3: new FakeClient(), logFileOf: (group) => join(logDir, `${group}.log`) },
      );

      engine.accept(message('dev-9'));
      await engine.stop();

      const [line] = readFileSync(join(logDir, 'RuleErrors.log'), 'utf8').trim().split('\n');
      expect(JSON.parse(line as string)).toMatchObject({
        ruleName: 'device_telemetry',
        clientId: 'dev-9',
        failures: [
          {
            failedAction: 'KinesisAction',
            errorMessage: expect.stringContaining('ProvisionedThroughputExceededException'),
          },
        ],
      });
    });
  });
});
