import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A CloudFormation reference the way cdk-nag spells it inside a finding id, e.g. `<LakeBucketB1D32E10.Arn>/*`,
 * so an acknowledgement can name the exact finding (cdk-nag 3 matches finding ids exactly).
 */
export function nagReference(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  if ('Fn::Join' in node) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  if ('Fn::GetAtt' in node) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(node);
}
