import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';
import { functionsNotRunLocally } from '../../../../infra/local/template-functions.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '000000000000', stackName: 'streamlake-dev' };

const fn = (properties: Record<string, unknown>): Template['Resources'][string] => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', ...properties },
});

/** A template with the project's own handler beside what CDK constructs add: custom resource providers and a Python function. */
const template: Template = {
  Resources: {
    AggregateFunction: fn({ Runtime: 'nodejs22.x' }),
    WriterFunction: fn({ Runtime: 'nodejs24.x' }),
    TrackerWriteModule: {
      Type: 'Custom::StreamlakeTrackerBuild',
      Properties: { ServiceToken: { 'Fn::GetAtt': ['WriterFunction', 'Arn'] } },
    },
    TrackerWriteClassic: {
      Type: 'AWS::CloudFormation::CustomResource',
      Properties: { ServiceToken: { 'Fn::GetAtt': ['WriterFunction', 'Arn'] } },
    },
    PythonTool: fn({ Runtime: 'python3.13' }),
    ImageFunction: { Type: 'AWS::Lambda::Function', Properties: { PackageType: 'Image' } },
    HandWritten: fn({}),
  },
};

describe('the functions the local cloud does not run', () => {
  it('names custom resource providers, with the custom resources they serve', () => {
    const notRun = functionsNotRunLocally(template);

    expect(notRun.find((f) => f.logicalId === 'WriterFunction')?.reason).toMatch(
      /^provider of custom resource TrackerWriteModule, TrackerWriteClassic: CloudFormation runs it/,
    );
  });

  it('names functions of another runtime than Node.js, and container images', () => {
    const notRun = functionsNotRunLocally(template);

    expect(notRun.find((f) => f.logicalId === 'PythonTool')?.reason).toMatch(/^runtime python3.13: /);
    expect(notRun.find((f) => f.logicalId === 'ImageFunction')?.reason).toMatch(/^a container image: /);
  });

  it('leaves them out of the plan and keeps every Node.js function, also one that names no runtime', () => {
    const plan = planFromTemplate(template, account);

    expect(plan.functions.map((f) => f.logicalId).sort()).toEqual(['AggregateFunction', 'HandWritten']);
    expect(plan.functionsNotRun.map((f) => f.logicalId).sort()).toEqual([
      'ImageFunction',
      'PythonTool',
      'WriterFunction',
    ]);
  });
});
