import { existsSync, readFileSync } from 'node:fs';
import type { AwsDeviceStack } from './aws-devices.ts';

/** What `npx cdk deploy --outputs-file FILE` writes: each stack's outputs by name. */
type OutputsFile = Record<string, Record<string, unknown>>;

/**
 * The device policy and thing type of the deployed stack, from the outputs file `cdk deploy --outputs-file`
 * wrote (DevicePolicyName, DeviceThingTypeName). Throws naming the file and what to pass instead.
 */
export const deviceStackFromOutputs = (file: string): AwsDeviceStack => {
  const instead =
    'or pass --policy NAME --thing-type NAME (the stack outputs DevicePolicyName and DeviceThingTypeName)';
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: deploy with npx cdk deploy --outputs-file ${file}, ${instead}`);
  }
  const outputs = JSON.parse(readFileSync(file, 'utf8')) as OutputsFile;
  const stacks = Object.entries(outputs).filter(
    ([, values]) =>
      typeof values?.DevicePolicyName === 'string' && typeof values?.DeviceThingTypeName === 'string',
  );
  if (stacks.length !== 1) {
    throw new Error(
      `${file} holds ${stacks.length === 0 ? 'no stack' : `${stacks.length} stacks (${stacks.map(([name]) => name).join(', ')})`} with DevicePolicyName and DeviceThingTypeName outputs: deploy the stack with the device edge, ${instead}`,
    );
  }
  const [, values] = stacks[0] as [string, Record<string, string>];
  return {
    policyName: values.DevicePolicyName as string,
    thingTypeName: values.DeviceThingTypeName as string,
  };
};
