import type { IotPolicyPlan } from './iot/iot-policy.ts';
import { outputResourceId } from './stack-resources.ts';
import type { Template } from './template.ts';

/**
 * The template's IoT policies (`AWS::IoT::Policy`), their documents with intrinsics resolved (the account and
 * region in the ARNs become the local ones); the broker compiles the one the stack's DevicePolicyName names.
 */
export const iotPoliciesFromTemplate = (
  template: Template,
  resolve: (value: unknown) => unknown,
): IotPolicyPlan[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IoT::Policy')
    .map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const declaredName = resolve(props.PolicyName);
      return {
        logicalId,
        name: typeof declaredName === 'string' ? declaredName : String(resolve({ Ref: logicalId })),
        document: resolve(props.PolicyDocument),
      };
    });

/** The stack output naming the IoT policy every device certificate gets (infra/streamlake-stack.ts). */
export const DEVICE_POLICY_OUTPUT = 'DevicePolicyName';

/**
 * The device policy: the IoT policy the stack's DevicePolicyName output refers to, or undefined for a stack
 * without one (then the local cloud runs no broker).
 */
export const devicePolicyOf = (
  template: Template,
  plan: { readonly iotPolicies: readonly IotPolicyPlan[] },
  stackName: string,
): IotPolicyPlan | undefined => {
  if (!template.Outputs?.[DEVICE_POLICY_OUTPUT]) return undefined;
  const logicalId = outputResourceId(template, stackName, DEVICE_POLICY_OUTPUT);
  const policy = plan.iotPolicies.find((p) => p.logicalId === logicalId);
  if (!policy) {
    throw new Error(
      `output ${DEVICE_POLICY_OUTPUT} of stack ${stackName} refers to ${logicalId} (${template.Resources[logicalId]?.Type}), not to an AWS::IoT::Policy`,
    );
  }
  return policy;
};
