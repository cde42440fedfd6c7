import type { Template } from './template.ts';

/** A function the template declares that the local cloud does not run, and why. */
export interface FunctionNotRun {
  readonly logicalId: string;
  readonly reason: string;
}

type Resources = Template['Resources'];

/** The logical id a custom resource's ServiceToken names (`Fn::GetAtt [Fn, Arn]` or `Ref`), if a resource. */
const serviceTokenTarget = (resources: Resources, token: unknown): string | undefined => {
  const value = token as { Ref?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  const id = value?.['Fn::GetAtt']?.[0] ?? value?.Ref;
  return typeof id === 'string' && resources[id] ? id : undefined;
};

/** Each function some custom resource names as its ServiceToken, with the logical ids of those resources. */
const customResourceProviders = (resources: Resources): Map<string, string[]> => {
  const providers = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const custom =
      resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource';
    const target = custom ? serviceTokenTarget(resources, resource.Properties?.ServiceToken) : undefined;
    if (target !== undefined) providers.set(target, [...(providers.get(target) ?? []), id]);
  }
  return providers;
};

/**
 * The template's functions the local cloud leaves out of its plan, each with the reason:
 * - a custom resource's provider (AwsCustomResource, BucketDeployment, …), the function its ServiceToken names:
 *   CloudFormation invokes it while it creates or updates the stack, never the application (the local cloud
 *   provisions straight from the plan; what a custom resource does on AWS is not done locally);
 * - a function whose runtime is not Node.js (or a container image): the local runtime runs Node.js handlers in
 *   worker threads only.
 */
export const functionsNotRunLocally = (template: Template): FunctionNotRun[] => {
  const providers = customResourceProviders(template.Resources);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .flatMap(([logicalId, resource]): FunctionNotRun[] => {
      const customResources = providers.get(logicalId);
      if (customResources) {
        return [
          {
            logicalId,
            reason: `provider of custom resource ${customResources.join(', ')}: CloudFormation runs it while deploying, the application never invokes it`,
          },
        ];
      }
      const runtime = resource.Properties?.Runtime;
      if (resource.Properties?.PackageType === 'Image') {
        return [{ logicalId, reason: 'a container image: the local runtime runs Node.js functions only' }];
      }
      if (typeof runtime === 'string' && !runtime.startsWith('nodejs')) {
        return [{ logicalId, reason: `runtime ${runtime}: the local runtime runs Node.js functions only` }];
      }
      return [];
    });
};
