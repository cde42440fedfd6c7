// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT policy variables (${iot:Connection.Thing.ThingName}) are the subject of these tests.
import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';
import { devicePolicyOf, iotPoliciesFromTemplate } from '../../../../infra/local/template-iot-policies.ts';

const account: LocalAccount = { region: 'us-east-1', accountId: '000000000000', stackName: 'streamlake' };

/** The device policy as `cdk synth` writes it: ARNs joined from the partition, region and account. */
const iotArn = (resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':iot:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});
const template = (
  outputs: Template['Outputs'] = { DevicePolicyName: { Value: { Ref: 'DevicesPolicy' } } },
): Template => ({
  Resources: {
    DevicesPolicy: {
      Type: 'AWS::IoT::Policy',
      Properties: {
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iot:Connect',
              Resource: iotArn('client/${iot:Connection.Thing.ThingName}'),
            },
          ],
        },
      },
    },
    NamedPolicy: {
      Type: 'AWS::IoT::Policy',
      Properties: { PolicyName: 'fleet', PolicyDocument: { Statement: [] } },
    },
    Stream: { Type: 'AWS::Kinesis::Stream' },
  },
  Outputs: outputs,
});

describe('IoT policies from the template', () => {
  it('reads each AWS::IoT::Policy with its document resolved in the local account', () => {
    // Act
    const plan = planFromTemplate(template(), account);

    // Assess
    expect(plan.iotPolicies).toEqual([
      {
        logicalId: 'DevicesPolicy',
        name: 'streamlake-DevicesPolicy',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iot:Connect',
              Resource: 'arn:aws:iot:us-east-1:000000000000:client/${iot:Connection.Thing.ThingName}',
            },
          ],
        },
      },
      { logicalId: 'NamedPolicy', name: 'fleet', document: { Statement: [] } },
    ]);
  });

  it('finds the device policy by the DevicePolicyName output, and none for a stack without it', () => {
    // Prepare
    const withOutput = template();
    const without = { ...template(), Outputs: {} };

    // Act
    const found = devicePolicyOf(withOutput, planFromTemplate(withOutput, account), 'streamlake');
    const none = devicePolicyOf(without, planFromTemplate(without, account), 'streamlake');

    // Assess
    expect(found?.logicalId).toBe('DevicesPolicy');
    expect(none).toBeUndefined();
  });

  it('says so when DevicePolicyName names something other than an IoT policy', () => {
    // Prepare
    const wrong = template({ DevicePolicyName: { Value: { Ref: 'Stream' } } });
    const resolve = (value: unknown) => value;

    // Act
    const find = () =>
      devicePolicyOf(wrong, { iotPolicies: iotPoliciesFromTemplate(wrong, resolve) }, 'streamlake');

    // Assess
    expect(find).toThrow(
      'output DevicePolicyName of stack streamlake refers to Stream (AWS::Kinesis::Stream), not to an AWS::IoT::Policy',
    );
  });
});
