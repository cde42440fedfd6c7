// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT policy variables (${iot:ClientId}) are the subject of these tests.
import { describe, expect, it } from 'vitest';
import { IotPolicy, type IotPolicyPlan, iotResourceArns } from '../../../../../infra/local/iot/iot-policy.ts';

const PREFIX = 'arn:aws:iot:us-east-1:000000000000';
const arns = iotResourceArns('us-east-1', '000000000000');
const THING = '${iot:Connection.Thing.ThingName}';

/** The device policy the stack declares (infra/constructs/device-edge/policy-document.ts), resolved. */
const devicePolicy = (statements?: unknown[]): IotPolicyPlan => ({
  logicalId: 'DevicesPolicy',
  name: 'streamlake-DevicesPolicy',
  document: {
    Version: '2012-10-17',
    Statement: statements ?? [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${PREFIX}:client/${THING}` },
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `${PREFIX}:topic/streamlake/devices/${THING}/telemetry`,
      },
    ],
  },
});

describe('IotPolicy', () => {
  it('lets a device connect with its own thing name as client id and publish to its own topic only', () => {
    // Act
    const device = IotPolicy.compile(devicePolicy()).bind({ clientId: 'dev-1', thingName: 'dev-1' });

    // Assess
    expect(device.allows('iot:Connect', arns.client('dev-1'))).toBe(true);
    expect(device.allows('iot:Connect', arns.client('dev-2'))).toBe(false);
    expect(device.allows('iot:Publish', arns.topic('streamlake/devices/dev-1/telemetry'))).toBe(true);
    expect(device.allows('iot:Publish', arns.topic('streamlake/devices/dev-2/telemetry'))).toBe(false);
    expect(device.allows('iot:Publish', arns.topic('streamlake/devices/dev-1/telemetry/more'))).toBe(false);
    expect(device.allows('iot:Subscribe', arns.topicFilter('streamlake/devices/dev-1/telemetry'))).toBe(
      false,
    );
    expect(device.allows('iot:Receive', arns.topic('streamlake/devices/dev-1/telemetry'))).toBe(false);
  });

  it('applies no statement whose thing-name variable does not resolve (no thing of that name attached)', () => {
    // Act
    const stranger = IotPolicy.compile(devicePolicy()).bind({ clientId: 'dev-2' });

    // Assess
    expect(stranger.allows('iot:Connect', arns.client('dev-2'))).toBe(false);
    expect(stranger.allows('iot:Publish', arns.topic('streamlake/devices/dev-2/telemetry'))).toBe(false);
  });

  it('matches * and ? wildcards in actions and resources, actions case-insensitively, and lets Deny win', () => {
    // Prepare
    const policy = IotPolicy.compile(
      devicePolicy([
        {
          Effect: 'Allow',
          Action: ['iot:*'],
          Resource: [`${PREFIX}:topic/fleet/*`, `${PREFIX}:client/dev-?`],
        },
        { Effect: 'Deny', Action: 'iot:publish', Resource: `${PREFIX}:topic/fleet/secret` },
      ]),
    ).bind({ clientId: 'dev-1' });

    // Assess
    expect(policy.allows('iot:Publish', arns.topic('fleet/a/b'))).toBe(true);
    expect(policy.allows('iot:Publish', arns.topic('fleet/secret'))).toBe(false);
    expect(policy.allows('iot:Connect', arns.client('dev-7'))).toBe(true);
    expect(policy.allows('iot:Connect', arns.client('dev-17'))).toBe(false);
  });

  it('resolves ${iot:ClientId} and takes a variable value literally, wildcards and all', () => {
    // Prepare
    const policy = IotPolicy.compile(
      devicePolicy([
        { Effect: 'Allow', Action: 'iot:Publish', Resource: `${PREFIX}:topic/c/\${iot:ClientId}` },
      ]),
    );

    // Assess
    expect(policy.bind({ clientId: 'a' }).allows('iot:Publish', arns.topic('c/a'))).toBe(true);
    expect(policy.bind({ clientId: 'a' }).allows('iot:Publish', arns.topic('c/b'))).toBe(false);
    expect(policy.bind({ clientId: '*' }).allows('iot:Publish', arns.topic('c/anything'))).toBe(false);
    expect(policy.bind({ clientId: '*' }).allows('iot:Publish', arns.topic('c/*'))).toBe(true);
  });

  it('reads a policy document given as a JSON string, and a single statement not in a list', () => {
    // Prepare
    const plan = {
      ...devicePolicy(),
      document: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' } }),
    };

    // Assess
    expect(IotPolicy.compile(plan).bind({ clientId: 'x' }).allows('iot:Connect', arns.client('x'))).toBe(
      true,
    );
  });

  it.each([
    [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: {} },
      'Condition is not evaluated locally',
    ],
    [{ Effect: 'Allow', NotAction: 'iot:Connect', Resource: '*' }, 'NotAction is not evaluated locally'],
    [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${PREFIX}:client/\${iot:Certificate.Subject.CommonName}`,
      },
      'policy variable ${iot:Certificate.Subject.CommonName} is not evaluated locally',
    ],
    [
      { Effect: 'Maybe', Action: 'iot:Connect', Resource: '*' },
      'Effect must be Allow or Deny (given "Maybe")',
    ],
    [
      { Effect: 'Allow', Action: [], Resource: '*' },
      'Action must be a string or a list of strings (given [])',
    ],
  ])('refuses at start-up what it cannot evaluate, naming the policy: %j', (statement, message) => {
    // Act
    const compile = () => IotPolicy.compile(devicePolicy([statement]));

    // Assess
    expect(compile).toThrow(`IoT policy DevicesPolicy, statement 1: ${message}`);
  });
});
