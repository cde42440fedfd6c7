/** An AWS::Logs::MetricFilter as the local cloud applies it to the log lines it writes. */
export interface MetricTransformationPlan {
  readonly namespace: string;
  readonly name: string;
  /** A number, or `$.field` of the matched JSON line. */
  readonly value: string;
  readonly defaultValue?: number;
  /** Dimension name → `$.field` of the matched JSON line. */
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface MetricFilterPlan {
  readonly logicalId: string;
  /** The AWS::Logs::LogGroup the filter reads. */
  readonly logGroupLogicalId: string;
  readonly pattern: string;
  readonly transformations: readonly MetricTransformationPlan[];
}

/** Every `{Ref: X}` inside a value (an ARN built with Fn::Join holds the log group's Ref). */
export const refsIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return [object.Ref];
  return Object.values(object).flatMap(refsIn);
};
