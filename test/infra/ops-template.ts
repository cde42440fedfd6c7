import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { StreamlakeStack } from '../../infra/streamlake-stack.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation properties are untyped JSON.
type Properties = Record<string, any>;

const templates = new WeakMap<Stack, Properties>();

/** The stack's template as JSON, synthesized once per stack. */
export function templateOf(stack: Stack): Properties {
  const cached = templates.get(stack);
  if (cached) return cached;
  const template = Template.fromStack(stack).toJSON();
  templates.set(stack, template);
  return template;
}

/** The synthesized properties of one ops alarm, found by its AlarmSpec id. */
export function opsAlarmOf(stack: StreamlakeStack, id: string): Properties {
  const alarm = stack.ops.alarms.alarms.find((a) => a.node.id === id);
  if (!alarm) {
    throw new Error(`no ops alarm ${id} (given ${stack.ops.alarms.alarms.map((a) => a.node.id).join(', ')})`);
  }
  return templateOf(stack).Resources[logicalIdOf(stack, alarm)].Properties;
}

export const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/**
 * A CloudFormation value as one string, references spelled `<Ref X>` and `<X.Attribute>`: a dashboard
 * body (an Fn::Join of JSON text and references) becomes JSON that parses, and a token of the spec
 * (a stream name, a function name) becomes the same text it is inside that body.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if ('Ref' in value) return `<Ref ${String(value.Ref)}>`;
  if ('Fn::GetAtt' in value) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in value) {
    const [delimiter, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(delimiter);
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/** A spec value that may hold tokens, as `flatten` spells it in the template. */
export const asInTemplate = (stack: Stack, value: string): string => flatten(stack.resolve(value));

export interface RenderedWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: Properties;
}

/** The widgets of the stack's only dashboard, parsed from its body. */
export function dashboardWidgetsOf(stack: Stack): RenderedWidget[] {
  const dashboards = Object.values(templateOf(stack).Resources as Record<string, Properties>).filter(
    (resource) => resource.Type === 'AWS::CloudWatch::Dashboard',
  );
  if (dashboards.length !== 1) throw new Error(`expected one dashboard (given ${dashboards.length})`);
  return JSON.parse(flatten(dashboards[0]?.Properties.DashboardBody)).widgets;
}
