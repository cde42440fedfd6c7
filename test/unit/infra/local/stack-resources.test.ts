import { describe, expect, it } from 'vitest';
import { outputResourceId, stackResources } from '../../../../infra/local/stack-resources.ts';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';

const account: LocalAccount = { region: 'us-east-1', accountId: '000000000000', stackName: 'streamlake' };

const fn = (): Template['Resources'][string] => ({ Type: 'AWS::Lambda::Function', Properties: {} });
const mapping = (functionId: string, source: unknown): Template['Resources'][string] => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: { FunctionName: { Ref: functionId }, EventSourceArn: source },
});
const streamArn = (streamId: string) => ({ 'Fn::GetAtt': [streamId, 'Arn'] });
const tableStreamArn = (tableId: string) => ({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
const withStream = { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } };

/**
 * The pipeline's template with a decoy of each role declared first, named so that the first of a type or
 * a logical-id prefix (`LakeBucket…`, `Aggregate…`) would pick the decoy; the mappings of the real
 * aggregate and fan-out functions on the decoy sources come first too.
 */
const decoysFirst = (): Template => ({
  Resources: {
    AaaDecoyStream: { Type: 'AWS::Kinesis::Stream' },
    AaaDecoyTable: { Type: 'AWS::DynamoDB::Table', Properties: withStream },
    LakeBucketDecoy: { Type: 'AWS::S3::Bucket' },
    AaaDecoyTopic: { Type: 'AWS::SNS::Topic' },
    AggregateDecoyFunction: fn(),
    AggregateOnDecoyStream: mapping('AggregateFunction', streamArn('AaaDecoyStream')),
    FanoutOnDecoyTable: mapping('FanoutFunction', tableStreamArn('AaaDecoyTable')),
    EventsStream: { Type: 'AWS::Kinesis::Stream' },
    RollupsTable: { Type: 'AWS::DynamoDB::Table', Properties: withStream },
    LakeAccessLogs: { Type: 'AWS::S3::Bucket' },
    LakeBucket: { Type: 'AWS::S3::Bucket' },
    AggregateFunction: fn(),
    AggregateOnEvents: mapping('AggregateFunction', streamArn('EventsStream')),
    ArchiveFunction: fn(),
    ArchiveOnEvents: mapping('ArchiveFunction', streamArn('EventsStream')),
    AlertingTopic: { Type: 'AWS::SNS::Topic' },
    FanoutFunction: fn(),
    FanoutOnRollups: mapping('FanoutFunction', tableStreamArn('RollupsTable')),
    FanoutSilentCheckFunction: fn(),
  },
  Outputs: {
    StreamName: { Value: { Ref: 'EventsStream' } },
    StreamArn: { Value: streamArn('EventsStream') },
    RollupsTableName: { Value: { Ref: 'RollupsTable' } },
    LakeBucketName: { Value: { Ref: 'LakeBucket' } },
    AggregateFunctionName: { Value: { Ref: 'AggregateFunction' } },
    ArchiveFunctionName: { Value: { Ref: 'ArchiveFunction' } },
    AlertsTopicArn: { Value: { Ref: 'AlertingTopic' } },
    FanoutFunctionName: { Value: { Ref: 'FanoutFunction' } },
    SilentDeviceCheckFunctionName: { Value: { Ref: 'FanoutSilentCheckFunction' } },
  },
});

const resourcesOf = (template: Template) =>
  stackResources(template, planFromTemplate(template, account), 'Streamlake');

describe('stackResources: each role found through the stack output that names it', () => {
  it('finds the real stream, table, bucket, topic and functions though a decoy of each is declared first', () => {
    // Prepare
    const template = decoysFirst();
    const plan = planFromTemplate(template, account);

    // Act
    const resources = stackResources(template, plan, 'Streamlake');

    // Assess: the first of each type (or the first logical id with the old prefix) is the decoy …
    expect(plan.streams[0]?.logicalId).toBe('AaaDecoyStream');
    expect(plan.tables[0]?.logicalId).toBe('AaaDecoyTable');
    expect(plan.buckets.find((b) => b.logicalId.startsWith('LakeBucket'))?.logicalId).toBe('LakeBucketDecoy');
    expect(plan.topics[0]?.logicalId).toBe('AaaDecoyTopic');
    expect(plan.functions.find((f) => f.logicalId.startsWith('Aggregate'))?.logicalId).toBe(
      'AggregateDecoyFunction',
    );
    // … and the accessor gives the real one.
    expect(resources.eventStream).toMatchObject({
      logicalId: 'EventsStream',
      name: 'streamlake-EventsStream',
    });
    expect(resources.rollupsTable.logicalId).toBe('RollupsTable');
    expect(resources.lakeBucket).toMatchObject({ logicalId: 'LakeBucket', name: 'streamlake-lakebucket' });
    expect(resources.alertsTopic.logicalId).toBe('AlertingTopic');
    expect(
      Object.fromEntries(Object.entries(resources.functions).map(([role, f]) => [role, f.logicalId])),
    ).toEqual({
      aggregate: 'AggregateFunction',
      archive: 'ArchiveFunction',
      fanout: 'FanoutFunction',
      silentDeviceCheck: 'FanoutSilentCheckFunction',
    });
  });

  it("takes the mapping of the role's function on the role's source, not the same function on a decoy source", () => {
    // Act
    const { mappings, eventStream, rollupsTable } = resourcesOf(decoysFirst());

    // Assess
    expect(mappings.aggregate).toMatchObject({ id: 'AggregateOnEvents', streamArn: eventStream.arn });
    expect(mappings.archive).toMatchObject({ id: 'ArchiveOnEvents', streamArn: eventStream.arn });
    expect(mappings.fanout).toMatchObject({ id: 'FanoutOnRollups', tableName: rollupsTable.name });
  });

  it('resolves an output given as Fn::GetAtt to the resource it reads', () => {
    const template = decoysFirst();
    expect(outputResourceId(template, 'Streamlake', 'StreamArn')).toBe('EventsStream');
  });

  it('fails naming the output and the stack when the output is missing', () => {
    // Prepare
    const template = decoysFirst();
    delete template.Outputs?.AggregateFunctionName;

    // Act + Assess
    expect(() => resourcesOf(template)).toThrow(/stack Streamlake has no output AggregateFunctionName/);
  });

  it('fails when an output names a resource of another type, or none', () => {
    const wrongType = decoysFirst();
    (wrongType.Outputs ?? {}).StreamName = { Value: { Ref: 'RollupsTable' } };
    expect(() => resourcesOf(wrongType)).toThrow(
      'output StreamName of stack Streamlake refers to RollupsTable (AWS::DynamoDB::Table), not to a Kinesis stream',
    );
    const literal = decoysFirst();
    (literal.Outputs ?? {}).LakeBucketName = { Value: 'my-bucket' };
    expect(() => resourcesOf(literal)).toThrow(
      'output LakeBucketName of stack Streamlake refers to no resource of the stack (given "my-bucket")',
    );
  });

  it('fails when a role has no mapping, or two, on its source', () => {
    const none = decoysFirst();
    delete none.Resources.ArchiveOnEvents;
    expect(() => resourcesOf(none)).toThrow(
      'stack Streamlake declares 0 event source mappings of ArchiveFunction on EventsStream (none)',
    );
    const two = decoysFirst();
    two.Resources.AggregateAgainOnEvents = mapping('AggregateFunction', streamArn('EventsStream'));
    expect(() => resourcesOf(two)).toThrow(
      'stack Streamlake declares 2 event source mappings of AggregateFunction on EventsStream (AggregateOnEvents, AggregateAgainOnEvents)',
    );
  });
});
